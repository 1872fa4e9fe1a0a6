/**
 * Query benchmarks: queries in SQLite storage, live queries on a server under
 * write load, and a client's incremental query evaluation.
 *
 * 1. SQLite first result: FIRST_DOCS todos `{ id, listId, title, done,
 *    createdAt }` (every other one done, `createdAt` a permutation of
 *    0 ... FIRST_DOCS-1) in one collection of a database file in the OS temp
 *    dir. The file is made by `sqliteStorage` (its schema), then filled
 *    directly with better-sqlite3 in one transaction (each row: the
 *    document's Yjs state built with `yjs` as a model lays it out, see
 *    query-data.ts, and its JSON value), then copied twice; the original is
 *    opened with `indexes: { todos: [['createdAt']] }` (the index is built
 *    then), one copy with `[['done', 'createdAt']]` (an index the equality
 *    seeks), the other without indexes. Case: `storage.query('todos', { done: false,
 *    $sort: { createdAt: -1 }, $limit: 50 }, { documents: true })` (what a
 *    server does for a query's first result: ids, JSON values, and every
 *    result document's stored state and updates) vs a hand-written prepared
 *    `SELECT json FROM yracer_documents WHERE collection = ? AND id IN (50 ids)`
 *    over the same ids, on its own connection. Rounds alternate (sync-rounds.ts);
 *    per round the median of QUERY_CALLS calls (UNINDEXED_CALLS without the
 *    index). The plan SQLite picks is read with EXPLAIN QUERY PLAN (the SQL
 *    from src/storage/sqlite-query.ts's `compileQuery`, imported from the
 *    source since the package does not export it).
 * 2. Live queries under write load: query-live.ts (the clients in a child
 *    process, query-live.child.ts; the server in another). It runs first:
 *    see `run()`.
 * 3. Client-side incremental evaluation: two local models holding the same
 *    INCREMENTAL_DOCS todos; one has `model.query('todos', { done: false,
 *    $sort: { createdAt: 1 } })` with a `change` listener (so it is kept up to
 *    date one document at a time). `model.set('todos.<id>.createdAt', …)` of a
 *    random todo + `q.getIds()` on it vs the same change on the other model +
 *    `evaluateQuery(model.get('todos'), expression)` (the whole query again).
 *
 * yracer is imported as the built package (`yracer`, i.e. dist/), as users
 * run it; `npm run bench` builds first.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createModel, evaluateQuery, type Model, type QueryExpression } from 'yracer';
import { sqliteStorage, type Storage } from 'yracer/server';
import { compileQuery } from '../src/storage/sqlite-query.ts';
import { compare, formatMs, formatPerOp, formatRatio, median, seededRandom, type Row } from './harness.ts';
import { documentState } from './query-data.ts';
import { LISTS, liveQueriesInChild, RATE, READERS, TODOS, WRITES, type LiveFigures } from './query-live.ts';
import { alternate, quantile, type Figures } from './sync-rounds.ts';

// ---------------------------------------------------------------------------
// 1. SQLite first result

const FIRST_DOCS = 100_000;
const FIRST_LIMIT = 50;
const QUERY_CALLS = 50;
const UNINDEXED_CALLS = 3;
const FIRST_INDEX = ['createdAt'];
/** An index the query's equality seeks (`done`), then walks for its sort (`createdAt`). */
const FIRST_EQUALITY_INDEX = ['done', 'createdAt'];
const FIRST_QUERY: QueryExpression = { done: false, $sort: { createdAt: -1 }, $limit: FIRST_LIMIT };

interface FirstResult {
  readonly rounds: Awaited<ReturnType<typeof alternate>>;
  /** The indexed query's very first call (statement prepared, pages not cached), in ms. */
  readonly coldMs: number;
  /** Filling the database, in s. */
  readonly fillSeconds: number;
  /** What EXPLAIN QUERY PLAN says, with the index, with the equality index and without an index. */
  readonly plan: string;
  readonly planEquality: string;
  readonly planUnindexed: string;
}

/** Fills `file` (schema made by sqliteStorage) with FIRST_DOCS todos in one transaction. */
async function fillTodos(file: string): Promise<void> {
  await sqliteStorage(file).close();
  const db = new Database(file);
  try {
    const insert = db.prepare<[string, Uint8Array, string]>("INSERT INTO yracer_documents (collection, id, state, json) VALUES ('todos', ?, ?, ?)");
    db.transaction(() => {
      for (let i = 0; i < FIRST_DOCS; i++) {
        // 7,919 is prime, so i * 7919 mod FIRST_DOCS visits every createdAt once.
        const value = { id: `t${i}`, listId: `L${i % 1000}`, title: `todo ${i}`, done: i % 2 === 1, createdAt: (i * 7919) % FIRST_DOCS };
        insert.run(value.id, documentState(value), JSON.stringify(value));
      }
    })();
  } finally {
    db.close();
  }
}

/** Median time of one call, over `calls` calls, in ms. */
async function timeCalls(calls: number, call: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return median(times);
}

function queryPlan(file: string, indexes: ReadonlyArray<readonly string[]> = []): string {
  const db = new Database(file, { readonly: true });
  try {
    const { sql, params } = compileQuery('todos', FIRST_QUERY, indexes);
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    return rows.map((row) => row.detail).filter((detail) => !/SUBQUERY|VIRTUAL TABLE/.test(detail)).join('; ');
  } finally {
    db.close();
  }
}

async function firstResult(dir: string): Promise<FirstResult> {
  const file = join(dir, 'first.db');
  const unindexedFile = join(dir, 'first-unindexed.db');
  const equalityFile = join(dir, 'first-equality.db');
  const fillStart = performance.now();
  await fillTodos(file);
  copyFileSync(file, unindexedFile);
  copyFileSync(file, equalityFile);
  const storage: Storage = sqliteStorage(file, { indexes: { todos: [FIRST_INDEX] } });
  const equality: Storage = sqliteStorage(equalityFile, { indexes: { todos: [FIRST_EQUALITY_INDEX] } });
  const fillSeconds = (performance.now() - fillStart) / 1000;
  const unindexed: Storage = sqliteStorage(unindexedFile);
  const db = new Database(file, { readonly: true });
  try {
    const plan = queryPlan(file, [FIRST_INDEX]);
    const planEquality = queryPlan(equalityFile, [FIRST_EQUALITY_INDEX]);
    const planUnindexed = queryPlan(unindexedFile);
    const coldStart = performance.now();
    const first = await storage.query('todos', FIRST_QUERY, { documents: true });
    const coldMs = performance.now() - coldStart;

    // The answer must be right, and the same without the index.
    const ids = first.ids;
    const values = first.json.map((json) => JSON.parse(json) as { done: boolean; createdAt: number });
    const sorted = values.every((value, i) => !value.done && (i === 0 || value.createdAt < (values[i - 1] as { createdAt: number }).createdAt));
    if (ids.length !== FIRST_LIMIT || first.documents?.length !== FIRST_LIMIT || !first.documents.every((doc) => doc.state !== null) || !sorted) {
      throw new Error(`SQLite first result: a wrong answer (${ids.length} ids, ${String(first.documents?.length)} documents)`);
    }
    const again = await unindexed.query('todos', FIRST_QUERY, { documents: true });
    if (again.ids.join() !== ids.join()) throw new Error('SQLite first result: the unindexed query gives other ids');
    const seeking = await equality.query('todos', FIRST_QUERY, { documents: true });
    if (seeking.ids.join() !== ids.join()) throw new Error('SQLite first result: the query over the equality index gives other ids');
    // The compiled SQL by itself, prepared on the SELECT's connection: what the query costs without storage.query around it.
    const compiled = compileQuery('todos', FIRST_QUERY, [FIRST_INDEX]);
    const compiledStatement = db.prepare(compiled.sql);

    const select = db.prepare(`SELECT json FROM yracer_documents WHERE collection = ? AND id IN (${ids.map(() => '?').join(', ')})`);
    const rounds = await alternate({
      name: `SQLite first result, ${FIRST_DOCS.toLocaleString('en-US')} todos`,
      runs: {
        select: async (): Promise<Figures> => ({ ms: await timeCalls(QUERY_CALLS, () => select.all('todos', ...ids)) }),
        indexed: async (): Promise<Figures> => ({ ms: await timeCalls(QUERY_CALLS, () => storage.query('todos', FIRST_QUERY, { documents: true })) }),
        'indexed, no documents': async (): Promise<Figures> => ({ ms: await timeCalls(QUERY_CALLS, () => storage.query('todos', FIRST_QUERY)) }),
        'equality index': async (): Promise<Figures> => ({ ms: await timeCalls(QUERY_CALLS, () => equality.query('todos', FIRST_QUERY, { documents: true })) }),
        'equality index, no documents': async (): Promise<Figures> => ({ ms: await timeCalls(QUERY_CALLS, () => equality.query('todos', FIRST_QUERY)) }),
        'compiled SQL alone': async (): Promise<Figures> => ({ ms: await timeCalls(QUERY_CALLS, () => compiledStatement.all(...compiled.params)) }),
        unindexed: async (): Promise<Figures> => ({ ms: await timeCalls(UNINDEXED_CALLS, () => unindexed.query('todos', FIRST_QUERY, { documents: true })) }),
      },
      budgetMs: 60_000,
    });
    process.stderr.write(`  plan with the index: ${plan}\n  plan with the equality index: ${planEquality}\n  plan without: ${planUnindexed}\n`);
    return { rounds, coldMs, fillSeconds, plan, planEquality, planUnindexed };
  } finally {
    db.close();
    await storage.close();
    await unindexed.close();
    await equality.close();
  }
}

// ---------------------------------------------------------------------------
// 2. Live queries: for reading them, what one commit costs here just before

/**
 * `saveJson` of one document at a time (each its own commit, so with the
 * default `synchronous = FULL` a sync of the WAL to disk) through
 * `sqliteStorage`, in the directory of the live case's database: p50 and
 * p99 in ms. The live case's server commits at least twice per write (the
 * update, group-committed per event-loop turn, and the document's JSON
 * value), so at RATE writes/s its event loop waits for the disk that often.
 */
async function commitAlone(dir: string): Promise<Figures> {
  const storage = sqliteStorage(join(dir, 'commit.db'));
  const times: number[] = [];
  try {
    for (let i = 0; i < 320; i++) {
      const start = performance.now();
      await storage.saveJson({ collection: 'todos', id: `t${i % 50}` }, JSON.stringify({ id: `t${i % 50}`, title: `todo ${i}`, done: false }));
      if (i >= 20) times.push(performance.now() - start);
    }
  } finally {
    await storage.close();
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

// ---------------------------------------------------------------------------
// 3. Client-side incremental evaluation

const INCREMENTAL_DOCS = 10_000;
const INCREMENTAL_OPS = 500;
const FULL_OPS = 20;
const INCREMENTAL_QUERY: QueryExpression = { done: false, $sort: { createdAt: 1 } };

function loadTodos(): Model {
  const model = createModel();
  for (let i = 0; i < INCREMENTAL_DOCS; i++) {
    model.add('todos', { id: `t${i}`, listId: `L${i % 100}`, title: `todo ${i}`, done: i % 2 === 1, createdAt: (i * 7919) % INCREMENTAL_DOCS });
  }
  return model;
}

function incremental(): ReturnType<typeof compare> {
  const live = loadTodos();
  const plain = loadTodos();
  const query = live.query('todos', INCREMENTAL_QUERY);
  let changes = 0;
  query.on('change', () => {
    changes += 1;
  });
  if (query.getIds().length !== INCREMENTAL_DOCS / 2) throw new Error('incremental query: a wrong first result');
  const random = seededRandom(7);
  /** A random todo and a new createdAt for it (fractional, so no two are equal). */
  const change = (): [string, number] => [`todos.t${Math.floor(random() * INCREMENTAL_DOCS)}.createdAt`, Math.round(random() * INCREMENTAL_DOCS * 1000) / 1000];
  let sink = 0;
  const c = compare({
    name: `incremental query, ${INCREMENTAL_DOCS.toLocaleString('en-US')} todos`,
    runs: {
      incremental: {
        ops: INCREMENTAL_OPS,
        prepare: () => {
          const changesOf = Array.from({ length: INCREMENTAL_OPS }, change);
          return () => {
            for (const [path, value] of changesOf) {
              live.set(path, value);
              sink += query.getIds().length;
            }
          };
        },
      },
      'full re-run': {
        ops: FULL_OPS,
        prepare: () => {
          const changesOf = Array.from({ length: FULL_OPS }, change);
          return () => {
            for (const [path, value] of changesOf) {
              plain.set(path, value);
              sink += evaluateQuery(plain.get<Record<string, unknown>>('todos') ?? {}, INCREMENTAL_QUERY).ids.length;
            }
          };
        },
      },
    },
    baseline: 'full re-run',
  });
  const expected = evaluateQuery(live.get<Record<string, unknown>>('todos') ?? {}, INCREMENTAL_QUERY).ids;
  if (sink === 0 || changes === 0 || query.getIds().join() !== expected.join()) {
    throw new Error('incremental query: the maintained result differs from evaluating the query again');
  }
  live.close();
  plain.close();
  return c;
}

// ---------------------------------------------------------------------------
// Rows

const ms = (value: number): string => formatMs(value);

function firstRows(first: FirstResult): Row[] {
  const { rounds } = first;
  const ratio = rounds.ratio(['indexed', 'ms'], ['select', 'ms']);
  const unindexed = rounds.ratio(['unindexed', 'ms'], ['select', 'ms']);
  const equality = rounds.ratio(['equality index', 'ms'], ['select', 'ms']);
  const index = /USING (?:COVERING )?INDEX (\S+)/.exec(first.plan)?.[1] ?? 'no index';
  const equalityIndex = /USING (?:COVERING )?INDEX (\S+)/.exec(first.planEquality)?.[1] ?? 'no index';
  const docs = FIRST_DOCS.toLocaleString('en-US');
  return [
    {
      benchmark:
        `SQLite first result, ${docs} todos (half done) in a file database: \`storage.query('todos', { done: false, $sort: { createdAt: -1 }, $limit: ${FIRST_LIMIT} }, { documents: true })\` ` +
        `(ids, JSON values and each document's Yjs state) with \`indexes: { todos: [['createdAt']] }\` (plan: ${first.plan}) ` +
        `vs a hand-written prepared \`SELECT json … WHERE collection = ? AND id IN (${FIRST_LIMIT} ids)\` (time, yracer/SELECT; ` +
        `index used: ${index}; without \`documents\` (ids and JSON only): ${ms(rounds.median('indexed, no documents', 'ms'))}, ${formatRatio(rounds.ratio(['indexed, no documents', 'ms'], ['select', 'ms']))}; ` +
        `the compiled SQL alone, prepared on the SELECT's connection: ${ms(rounds.median('compiled SQL alone', 'ms'))}, ${formatRatio(rounds.ratio(['compiled SQL alone', 'ms'], ['select', 'ms']))}; ` +
        `very first call, statement not prepared yet: ${ms(first.coldMs)}; filling the database: ${first.fillSeconds.toFixed(1)} s)`,
      yracer: ms(rounds.median('indexed', 'ms')),
      baseline: ms(rounds.median('select', 'ms')),
      ratio: formatRatio(ratio, rounds.ratioRange(['indexed', 'ms'], ['select', 'ms'])),
      target: '≤ 3x',
      met: ratio <= 3 && index !== 'no index',
    },
    {
      benchmark:
        `SQLite first result, the same query with \`indexes: { todos: [['done', 'createdAt']] }\` instead, whose first field the equality seeks (plan: ${first.planEquality}) ` +
        `vs the same SELECT (time, yracer/SELECT; index used: ${equalityIndex}; without \`documents\`: ${ms(rounds.median('equality index, no documents', 'ms'))}, ` +
        `${formatRatio(rounds.ratio(['equality index, no documents', 'ms'], ['select', 'ms']))})`,
      yracer: ms(rounds.median('equality index', 'ms')),
      baseline: ms(rounds.median('select', 'ms')),
      ratio: formatRatio(equality, rounds.ratioRange(['equality index', 'ms'], ['select', 'ms'])),
      target: '≤ 3x',
      met: equality <= 3 && equalityIndex !== 'no index',
    },
    {
      benchmark: `SQLite first result, the same query without the index (plan: ${first.planUnindexed}) vs the same SELECT (time, yracer/SELECT)`,
      yracer: ms(rounds.median('unindexed', 'ms')),
      baseline: ms(rounds.median('select', 'ms')),
      ratio: formatRatio(unindexed, rounds.ratioRange(['unindexed', 'ms'], ['select', 'ms'])),
      target: '—',
      met: null,
    },
  ];
}

function liveRows(live: LiveFigures, commit: Figures): Row[] {
  const queryP99 = quantile(live.query, 0.99);
  const docP99 = quantile(live.doc, 0.99);
  const ratio = queryP99 / docP99;
  const missing = live.missingQuery + live.missingDoc;
  const busy = (cpuUs: number): string => `${((100 * cpuUs) / 1000 / live.phaseMs).toFixed(0)}%`;
  const setting =
    `${TODOS.toLocaleString('en-US')} todos in ${LISTS} lists on a server in a child process (SQLite with \`indexes: { todos: [['listId', 'createdAt']] }\`, which the queries seek), ` +
    `${LISTS} live queries \`{ listId: 'L<k>', done: false, $sort: { createdAt: 1 } }\` over ${READERS} client models; ` +
    `a writer model, ${WRITES.toLocaleString('en-US')} writes at ${RATE}/s (reached ${live.rate.toFixed(0)}/s): a random todo toggles \`done\` (½), changes \`title\` or \`createdAt\` (¼ each)`;
  const inserts = live.inserts.length > 0 ? `insertions only (the server runs the query again): p50 ${ms(quantile(live.inserts, 0.5))}, p99 ${ms(quantile(live.inserts, 0.99))}` : 'no insertions';
  return [
    {
      benchmark:
        `live queries under write load: ${setting}. Latency p99 from the write to the reader's query \`change\` event showing it, ` +
        `per affected query (${live.query.length.toLocaleString('en-US')} samples; p50 ${ms(quantile(live.query, 0.5))}; ${inserts}; absolute p99 ${ms(queryP99)}, target < 50 ms` +
        `${missing > 0 ? `; MISSING: ${live.missingQuery} query and ${live.missingDoc} document events` : ''}) ` +
        `vs the same writes as document updates to a model subscribed to every todo (p50 ${ms(quantile(live.doc, 0.5))}) (p99 time, query/document; ` +
        `meanwhile the server's process was busy ${busy(live.serverCpuUs)} and its event loop late by p99 ${ms(live.serverLoopDelayMs.p99)}, max ${ms(live.serverLoopDelayMs.max)}; ` +
        `the clients' process busy ${busy(live.clientCpuUs)}, late by p99 ${ms(live.clientLoopDelayMs.p99)}, max ${ms(live.clientLoopDelayMs.max)}; ` +
        `one \`saveJson\` commit by itself just before, same directory: p50 ${ms(commit['p50'] as number)}, p99 ${ms(commit['p99'] as number)})`,
      yracer: ms(queryP99),
      baseline: ms(docP99),
      ratio: formatRatio(ratio),
      target: 'p99 < 50 ms',
      met: queryP99 < 50 && missing === 0,
    },
    {
      benchmark:
        `live queries under write load: server CPU time (user + system, \`process.cpuUsage()\` of the server's process) per write, over the ${WRITES.toLocaleString('en-US')} measured writes ` +
        `(storing each, sending it to the subscribers, the live queries' work) vs the same number of writes once the readers closed (no live query; ` +
        `reached ${live.plainRate.toFixed(0)}/s; the doc-subscriber's latency then: p50 ${ms(quantile(live.plainDoc, 0.5))}, p99 ${ms(quantile(live.plainDoc, 0.99))}) (CPU time, with/without queries)`,
      yracer: `${(live.serverCpuUs / live.writes / 1000).toPrecision(3)} ms/write`,
      baseline: `${(live.plainServerCpuUs / live.writes / 1000).toPrecision(3)} ms/write`,
      ratio: formatRatio(live.serverCpuUs / live.plainServerCpuUs),
      target: '—',
      met: null,
    },
  ];
}

function incrementalRows(c: ReturnType<typeof compare>): Row[] {
  const ratio = c.ratio('incremental', 'full re-run');
  return [
    {
      benchmark:
        `client-side incremental query, ${INCREMENTAL_DOCS.toLocaleString('en-US')} todos in a local model: \`model.set('todos.<id>.createdAt', …)\` + \`q.getIds()\` ` +
        `of \`model.query('todos', { done: false, $sort: { createdAt: 1 } })\` with a \`change\` listener vs the same change + ` +
        `\`evaluateQuery(model.get('todos'), expression)\` (time, incremental/full)`,
      yracer: formatPerOp(c.result('incremental').nsPerOp),
      baseline: formatPerOp(c.result('full re-run').nsPerOp),
      ratio: formatRatio(ratio, c.ratioRange('incremental', 'full re-run')),
      target: '≤ 0.05x (≥ 20x faster)',
      met: ratio <= 0.05,
    },
  ];
}

/** Runs only the SQLite first-result case (the quick one) and returns its rows. */
export async function runFirstResult(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'yracer-bench-query-'));
  try {
    return firstRows(await firstResult(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the query benchmarks and returns their table rows. */
export async function run(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'yracer-bench-query-'));
  try {
    // The live case first: right after case 1 wrote its 2 × ~30 MB files, every commit's sync to disk (which the
    // live case's server does hundreds of times a second) can take much longer while the kernel writes them back.
    const commit = await commitAlone(dir);
    const started = performance.now();
    const live = await liveQueriesInChild(join(dir, 'live.db'));
    process.stderr.write(
      `  live queries: ${live.writes} writes at ${live.rate.toFixed(0)}/s; query p50 ${quantile(live.query, 0.5).toFixed(1)} ms, p99 ${quantile(live.query, 0.99).toFixed(1)} ms; ` +
        `document p50 ${quantile(live.doc, 0.5).toFixed(1)} ms, p99 ${quantile(live.doc, 0.99).toFixed(1)} ms; ` +
        `server loop delay p99 ${live.serverLoopDelayMs.p99.toFixed(1)} ms, max ${live.serverLoopDelayMs.max.toFixed(1)} ms; ` +
        `one commit alone p50 ${(commit['p50'] as number).toFixed(2)} ms, p99 ${(commit['p99'] as number).toFixed(2)} ms; in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const first = await firstResult(dir);
    const c = incremental();
    return [...firstRows(first), ...liveRows(live, commit), ...incrementalRows(c)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
