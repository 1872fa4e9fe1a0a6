/**
 * `sqliteStorage(file)`: the embedded default, on better-sqlite3 (WAL mode).
 *
 * Appends are group-committed: every append made in the same turn of the
 * event loop goes into one transaction, and their promises resolve after it
 * commits, so a burst of writes costs one sync to disk instead of one each.
 * With `synchronous: 'full'` (the default) a resolved append survives a power
 * loss; with `'normal'` it survives a crash of the process.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Storage, StorageKey, StoredDocument } from './storage.ts';

/** Options of `sqliteStorage`. */
export interface SqliteStorageOptions {
  /** SQLite's `synchronous` pragma: `full` (default, durable across power loss) or `normal` (across crashes). */
  readonly synchronous?: 'full' | 'normal';
}

interface PendingAppend {
  readonly key: StorageKey;
  readonly update: Uint8Array;
  readonly resolve: (seq: number) => void;
  readonly reject: (error: unknown) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS yracer_documents (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  state BLOB,
  json TEXT,
  PRIMARY KEY (collection, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS yracer_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS yracer_updates_doc ON yracer_updates (collection, id, seq);
`;

const bytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/**
 * Opens (creating when needed) a SQLite database file for the sync server.
 *
 * @example
 * const server = createServer({ storage: sqliteStorage('./data/yracer.db') });
 */
export function sqliteStorage(file: string, options: SqliteStorageOptions = {}): Storage {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.exec(SCHEMA);
  const selectState = db.prepare<[string, string], { state: Buffer | null }>(
    'SELECT state FROM yracer_documents WHERE collection = ? AND id = ?',
  );
  const selectUpdates = db.prepare<[string, string], { seq: number; data: Buffer }>(
    'SELECT seq, data FROM yracer_updates WHERE collection = ? AND id = ? ORDER BY seq',
  );
  const insertUpdate = db.prepare<[string, string, Uint8Array]>('INSERT INTO yracer_updates (collection, id, data) VALUES (?, ?, ?)');
  const upsertState = db.prepare<[string, string, Uint8Array]>(
    `INSERT INTO yracer_documents (collection, id, state) VALUES (?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET state = excluded.state`,
  );
  const deleteUpdates = db.prepare<[string, string, number]>('DELETE FROM yracer_updates WHERE collection = ? AND id = ? AND seq <= ?');
  const upsertJson = db.prepare<[string, string, string | null]>(
    `INSERT INTO yracer_documents (collection, id, json) VALUES (?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json`,
  );
  const selectJson = db.prepare<[string, string], { json: string | null }>(
    'SELECT json FROM yracer_documents WHERE collection = ? AND id = ?',
  );
  const appendAll = db.transaction((batch: readonly PendingAppend[]) =>
    batch.map((p) => Number(insertUpdate.run(p.key.collection, p.key.id, p.update).lastInsertRowid)),
  );
  const compactOne = db.transaction((key: StorageKey, state: Uint8Array, through: number) => {
    upsertState.run(key.collection, key.id, state);
    deleteUpdates.run(key.collection, key.id, through);
  });

  let queue: PendingAppend[] = [];
  let scheduled = false;
  let closed = false;
  const flush = (): void => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      const seqs = appendAll(batch);
      batch.forEach((p, i) => p.resolve(seqs[i] as number));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  };
  const open = (): void => {
    if (closed) throw new Error(`yracer sqliteStorage(${file}): the storage is closed`);
  };

  return {
    async load(key): Promise<StoredDocument> {
      open();
      flush();
      const state = selectState.get(key.collection, key.id)?.state ?? null;
      const rows = selectUpdates.all(key.collection, key.id);
      return {
        state: state && bytes(state),
        updates: rows.map((row) => bytes(row.data)),
        seq: rows[rows.length - 1]?.seq ?? 0,
      };
    },
    append(key, update) {
      return new Promise<number>((resolve, reject) => {
        open();
        // Copy now: the caller may reuse its buffer before the batch commits.
        queue.push({ key, update: update.slice(), resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async compact(key, state, throughSeq) {
      open();
      flush();
      compactOne(key, state, throughSeq);
    },
    async saveJson(key, json) {
      open();
      upsertJson.run(key.collection, key.id, json);
    },
    async loadJson(key) {
      open();
      return selectJson.get(key.collection, key.id)?.json ?? null;
    },
    async close() {
      if (closed) return;
      flush();
      closed = true;
      db.close();
    },
  };
}
