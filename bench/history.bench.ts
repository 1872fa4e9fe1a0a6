/**
 * Document history benchmarks (docs/history.md): what checkpoints cost in
 * storage.
 * 1. Bytes stored after 1,000 small writes (10 todos, 100 edits each: a
 *    title change or a toggle), on SQLite, with history at its defaults
 *    (a checkpoint every 100 updates) vs without history.
 * 2. The same with a checkpoint after every write (the todos example's
 *    setting, keep 20) vs without.
 * 3. One checkpoint stored as the document's JSON (what yracer stores) vs
 *    as its Yjs state (as compaction stores it), for a todo after 100 edits.
 * Bytes are the stored payloads (states, logs, JSON values, checkpoints)
 * summed in SQL, and the database file's size in parentheses.
 * yracer is imported as the built package; `npm run bench` builds first.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Model } from 'yracer';
import { createServer, sqliteStorage, type HistoryOptions } from 'yracer/server';
import { formatRatio, type Row } from './harness.ts';

const TODOS = 10;
const WRITES = 1000;

const write = (model: Model, path: string, value: unknown): Promise<void> =>
  new Promise((resolve, reject) => model.set(path, value, (error) => (error ? reject(error) : resolve())));

interface Stored {
  /** Payload bytes: states, logs, JSON values and checkpoints. */
  readonly bytes: number;
  readonly fileBytes: number;
  readonly checkpoints: number;
  /** The stored Yjs state and JSON value of one todo (after its 100 edits, compacted), in bytes. */
  readonly todoState: number;
  readonly todoJson: number;
}

/** Runs WRITES small writes through a server on a fresh SQLite file and measures what it stored. */
async function stored(history: HistoryOptions | false): Promise<Stored> {
  const dir = mkdtempSync(join(tmpdir(), 'yracer-history-bench-'));
  try {
    const file = join(dir, 'db.sqlite');
    const server = createServer({ storage: sqliteStorage(file, { durability: 'process' }), log: () => undefined, history });
    const model = server.createModel();
    for (let t = 0; t < TODOS; t++) await write(model, `todos.t${t}`, { title: `Todo ${t}`, done: false, createdAt: 1_700_000_000_000 + t });
    for (let i = TODOS; i < WRITES; i++) {
      const t = i % TODOS;
      if (i % 2 === 0) await write(model, `todos.t${t}.title`, `Todo ${t}, edit ${i}`);
      else await write(model, `todos.t${t}.done`, (i & 4) === 0);
    }
    model.close();
    await server.close();
    const db = new Database(file, { readonly: true });
    try {
      const sum = (sql: string): number => (db.prepare<[], { n: number | null }>(sql).get()?.n ?? 0);
      const hasHistory = sum("SELECT count(*) AS n FROM sqlite_master WHERE name = 'yracer_history'") > 0;
      const bytes =
        sum('SELECT sum(coalesce(length(state), 0) + coalesce(length(json), 0)) AS n FROM yracer_documents') +
        sum('SELECT sum(length(data)) AS n FROM yracer_log') +
        (hasHistory ? sum('SELECT sum(coalesce(length(json), 0) + length(users) + 32) AS n FROM yracer_history') : 0);
      const checkpoints = hasHistory ? sum('SELECT count(*) AS n FROM yracer_history') : 0;
      const todo = db.prepare<[], { state: number; json: number }>("SELECT length(state) AS state, length(json) AS json FROM yracer_documents WHERE collection = 'todos' AND id = 't0'").get();
      return { bytes, fileBytes: statSync(file).size, checkpoints, todoState: todo?.state ?? 0, todoJson: todo?.json ?? 0 };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const shown = (result: Stored): string => `${kib(result.bytes)} (file ${kib(result.fileBytes)})`;

export async function run(): Promise<Row[]> {
  const without = await stored(false);
  const defaults = await stored({});
  const every = await stored({ everyUpdates: 1, keep: 20 });
  return [
    {
      benchmark: `history: bytes stored per ${WRITES.toLocaleString('en')} small writes (${TODOS} todos, SQLite), defaults (every 100 updates; ${defaults.checkpoints} checkpoints) vs no history`,
      yracer: shown(defaults),
      baseline: shown(without),
      ratio: formatRatio(defaults.bytes / without.bytes),
      target: '—',
      met: null,
    },
    {
      benchmark: `history: the same, a checkpoint after every write, keep 20 (${every.checkpoints} checkpoints) vs no history`,
      yracer: shown(every),
      baseline: shown(without),
      ratio: formatRatio(every.bytes / without.bytes),
      target: '—',
      met: null,
    },
    {
      benchmark: 'history: one checkpoint of a todo after 100 edits, as JSON (stored) vs as Yjs state',
      yracer: `${without.todoJson} B`,
      baseline: `${without.todoState} B`,
      ratio: formatRatio(without.todoJson / without.todoState),
      target: '—',
      met: null,
    },
  ];
}
