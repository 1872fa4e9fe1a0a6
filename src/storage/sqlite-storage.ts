/**
 * `sqliteStorage(file)`: the embedded default, on better-sqlite3 (WAL mode).
 *
 * Writes are group-committed: every append and JSON value saved in the same
 * turn of the event loop goes into one transaction, in order, and their
 * promises resolve after it commits, so a burst of writes costs one sync to
 * disk instead of one each.
 * With `synchronous: 'full'` (the default) a resolved append survives a power
 * loss; with `'normal'` it survives a crash of the process.
 *
 * `query` compiles the expression to SQL (`compileQuery`), keeps the last 100
 * prepared statements by SQL text, and can be served by expression indexes
 * declared with the `indexes` option.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { QueryExpression } from '../query/query-expression.ts';
import { compileQuery, type CompiledQuery } from './sqlite-query.ts';
import { indexSql } from './sqlite-sort.ts';
import type { Storage, StorageKey, StorageQueryOptions, StoredDocument, StoredQueryResult } from './storage.ts';

/** Options of `sqliteStorage`. */
export interface SqliteStorageOptions {
  /** SQLite's `synchronous` pragma: `full` (default, durable across power loss) or `normal` (across crashes). */
  readonly synchronous?: 'full' | 'normal';
  /**
   * Expression indexes for queries, per collection: lists of fields, each
   * list one index over `collection` and the fields' sort keys in that order
   * (created when missing). When a query's `$sort` fields are the first
   * fields of an index and all go the same direction, a `$limit`ed query
   * walks the index and stops after the first rows instead of sorting every
   * match. Since each index leads with `collection`, it serves every
   * collection: the same fields listed for two collections make one index.
   * Invalid field or collection names throw a `TypeError`.
   *
   * @example
   * sqliteStorage(file, { indexes: { todos: [['createdAt'], ['listId', 'createdAt']] } });
   */
  readonly indexes?: Readonly<Record<string, ReadonlyArray<readonly string[]>>>;
}

/** A write waiting for the next group commit: an appended update, or a document's JSON value. */
type PendingWrite =
  | { readonly kind: 'append'; readonly key: StorageKey; readonly update: Uint8Array; readonly resolve: (seq: number) => void; readonly reject: (error: unknown) => void }
  | {
      readonly kind: 'json';
      readonly key: StorageKey;
      readonly json: string | null;
      /** The last update the value reflects; null: every update appended so far. */
      readonly through: number | null;
      readonly resolve: (seq: number) => void;
      readonly reject: (error: unknown) => void;
    };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS yracer_documents (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  state BLOB,
  json TEXT,
  head_seq INTEGER NOT NULL DEFAULT 0,
  json_seq INTEGER NOT NULL DEFAULT 0,
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

/** The schema version this code writes (SQLite's `user_version`). */
const SCHEMA_VERSION = 1;

/**
 * Brings a database written by an older version up to `SCHEMA_VERSION`, in
 * one transaction. Version 1 added `head_seq` (the last update appended) and
 * `json_seq` (the last update the JSON value reflects); documents with
 * logged updates from before are marked stale, so their JSON is rebuilt once.
 */
function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= SCHEMA_VERSION) return;
  const columns = new Set(db.prepare<[], { name: string }>('PRAGMA table_info(yracer_documents)').all().map((column) => column.name));
  db.transaction(() => {
    if (!columns.has('head_seq')) {
      db.exec(`
        ALTER TABLE yracer_documents ADD COLUMN head_seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE yracer_documents ADD COLUMN json_seq INTEGER NOT NULL DEFAULT 0;
        INSERT INTO yracer_documents (collection, id, head_seq)
          SELECT collection, id, MAX(seq) FROM yracer_updates WHERE true GROUP BY collection, id
          ON CONFLICT (collection, id) DO UPDATE SET head_seq = excluded.head_seq;
      `);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** How many prepared query statements are kept (least recently used go first). */
const QUERY_CACHE_SIZE = 100;

const COLLECTION = /^[A-Za-z_$][A-Za-z0-9_$-]{0,127}$/;

/** The index statements of the `indexes` option, checked before the database is opened. */
function indexStatements(indexes: SqliteStorageOptions['indexes'] = {}): string[] {
  const statements = new Set<string>();
  for (const [collection, lists] of Object.entries(indexes)) {
    if (!COLLECTION.test(collection) || collection === '__proto__') {
      throw new TypeError(`yracer sqliteStorage indexes: "${collection.slice(0, 100)}" is not a valid collection name`);
    }
    if (!Array.isArray(lists)) throw new TypeError(`yracer sqliteStorage indexes.${collection} must be an array of field lists`);
    for (const fields of lists) {
      if (!Array.isArray(fields) || !fields.every((field) => typeof field === 'string')) {
        throw new TypeError(`yracer sqliteStorage indexes.${collection}: each index must be an array of field names`);
      }
      statements.add(indexSql(fields).sql);
    }
  }
  return [...statements];
}

const bytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/**
 * Opens (creating when needed) a SQLite database file for the sync server.
 *
 * @example
 * const server = createServer({ storage: sqliteStorage('./data/yracer.db') });
 */
export function sqliteStorage(file: string, options: SqliteStorageOptions = {}): Storage {
  const indexes = indexStatements(options.indexes);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.exec(SCHEMA);
  migrate(db);
  for (const statement of indexes) db.exec(statement);
  const selectState = db.prepare<[string, string], { state: Buffer | null; head_seq: number }>(
    'SELECT state, head_seq FROM yracer_documents WHERE collection = ? AND id = ?',
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
  const upsertHead = db.prepare<[string, string, number]>(
    `INSERT INTO yracer_documents (collection, id, head_seq) VALUES (?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET head_seq = excluded.head_seq`,
  );
  // A value as of an older update than the stored one is ignored (JSON values only move forward).
  const upsertJson = db.prepare<[string, string, string | null, number]>(
    `INSERT INTO yracer_documents (collection, id, json, json_seq) VALUES (?, ?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json, json_seq = excluded.json_seq
     WHERE excluded.json_seq >= yracer_documents.json_seq`,
  );
  const upsertCurrentJson = db.prepare<[string, string, string | null]>(
    `INSERT INTO yracer_documents (collection, id, json) VALUES (?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json, json_seq = yracer_documents.head_seq`,
  );
  const selectStale = db.prepare<[], { collection: string; id: string }>(
    'SELECT collection, id FROM yracer_documents WHERE head_seq > json_seq',
  );
  const selectJson = db.prepare<[string, string], { json: string | null }>(
    'SELECT json FROM yracer_documents WHERE collection = ? AND id = ?',
  );
  const selectAllUpdates = db.prepare<[string, string], { id: string; seq: number; data: Buffer }>(
    'SELECT id, seq, data FROM yracer_updates WHERE collection = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY seq',
  );
  const queries = new Map<string, Database.Statement<unknown[], unknown>>();
  // Compiled queries by collection and expression text (a live query runs the same expression again and again).
  const compiledQueries = new Map<string, CompiledQuery>();
  const compiledFor = (collection: string, expression: QueryExpression): CompiledQuery => {
    let text: string;
    try {
      text = `${collection}\u0000${JSON.stringify(expression)}`;
    } catch {
      return compileQuery(collection, expression, options.indexes?.[collection] ?? []); // not JSON: let it explain why
    }
    let compiled = compiledQueries.get(text);
    if (!compiled) {
      compiled = compileQuery(collection, expression, options.indexes?.[collection] ?? []);
      if (compiledQueries.size >= QUERY_CACHE_SIZE) compiledQueries.delete(compiledQueries.keys().next().value as string);
      compiledQueries.set(text, compiled);
    }
    return compiled;
  };
  const prepared = (sql: string): Database.Statement<unknown[], unknown> => {
    let statement = queries.get(sql);
    if (statement) {
      queries.delete(sql);
    } else {
      statement = db.prepare<unknown[], unknown>(sql);
      if (queries.size >= QUERY_CACHE_SIZE) queries.delete(queries.keys().next().value as string);
    }
    queries.set(sql, statement);
    return statement;
  };
  /** The update logs of many documents of one collection, with one statement. */
  const loadUpdates = (collection: string, ids: readonly string[]): Map<string, Array<{ seq: number; data: Buffer }>> => {
    const updates = new Map<string, Array<{ seq: number; data: Buffer }>>();
    for (const row of selectAllUpdates.all(collection, JSON.stringify(ids))) {
      const rows = updates.get(row.id) ?? [];
      rows.push(row);
      updates.set(row.id, rows);
    }
    return updates;
  };
  /** Runs a compiled query (and reads its documents) in one read transaction, so all of it sees one snapshot. */
  const runQuery = db.transaction((collection: string, compiled: CompiledQuery, documents: boolean): StoredQueryResult => {
    if (compiled.count) return { ids: [], count: (prepared(compiled.sql).get(...compiled.params) as { count: number }).count, json: [] };
    if (!documents || compiled.documentsSql === undefined) {
      const rows = prepared(compiled.sql).all(...compiled.params) as Array<{ id: string; json: string }>;
      return { ids: rows.map((row) => row.id), count: rows.length, json: rows.map((row) => row.json) };
    }
    // The states come with the rows the query visits anyway; only the update logs need a second statement.
    const rows = prepared(compiled.documentsSql).all(...compiled.params) as Array<{ id: string; json: string; state: Buffer | null; head_seq: number }>;
    const ids = rows.map((row) => row.id);
    const updates = loadUpdates(collection, ids);
    const stored = rows.map((row): StoredDocument => {
      const log = updates.get(row.id) ?? [];
      return { state: row.state && bytes(row.state), updates: log.map((entry) => bytes(entry.data)), seq: Math.max(row.head_seq, log[log.length - 1]?.seq ?? 0) };
    });
    return { ids, count: rows.length, json: rows.map((row) => row.json), documents: stored };
  });
  // Appends and JSON values of one event-loop turn commit together, in the order they were made.
  const writeAll = db.transaction((batch: readonly PendingWrite[]) =>
    batch.map((p) => {
      if (p.kind === 'json') {
        if (p.through === null) upsertCurrentJson.run(p.key.collection, p.key.id, p.json);
        else upsertJson.run(p.key.collection, p.key.id, p.json, p.through);
        return 0;
      }
      const seq = Number(insertUpdate.run(p.key.collection, p.key.id, p.update).lastInsertRowid);
      upsertHead.run(p.key.collection, p.key.id, seq);
      return seq;
    }),
  );
  const compactOne = db.transaction((key: StorageKey, state: Uint8Array, through: number) => {
    upsertState.run(key.collection, key.id, state);
    deleteUpdates.run(key.collection, key.id, through);
  });

  let queue: PendingWrite[] = [];
  let scheduled = false;
  let closed = false;
  const flush = (): void => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      const seqs = writeAll(batch);
      batch.forEach((p, i) => p.resolve(seqs[i] as number));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  };
  const enqueue = (write: PendingWrite): void => {
    queue.push(write);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const open = (): void => {
    if (closed) throw new Error(`yracer sqliteStorage(${file}): the storage is closed`);
  };

  return {
    async load(key): Promise<StoredDocument> {
      open();
      flush();
      const row = selectState.get(key.collection, key.id);
      const state = row?.state ?? null;
      const rows = selectUpdates.all(key.collection, key.id);
      return {
        state: state && bytes(state),
        updates: rows.map((update) => bytes(update.data)),
        seq: Math.max(row?.head_seq ?? 0, rows[rows.length - 1]?.seq ?? 0),
      };
    },
    append(key, update) {
      return new Promise<number>((resolve, reject) => {
        open();
        // Copy now: the caller may reuse its buffer before the batch commits.
        enqueue({ kind: 'append', key, update: update.slice(), resolve, reject });
      });
    },
    async compact(key, state, throughSeq) {
      open();
      flush();
      compactOne(key, state, throughSeq);
    },
    saveJson(key, json, throughSeq) {
      return new Promise<void>((resolve, reject) => {
        open();
        enqueue({ kind: 'json', key, json, through: throughSeq ?? null, resolve: () => resolve(), reject });
      });
    },
    async staleJson() {
      open();
      flush();
      return selectStale.all().map(({ collection, id }) => ({ collection, id }));
    },
    async loadJson(key) {
      open();
      flush();
      return selectJson.get(key.collection, key.id)?.json ?? null;
    },
    async query(collection: string, expression: QueryExpression, queryOptions: StorageQueryOptions = {}): Promise<StoredQueryResult> {
      open();
      const compiled = compiledFor(collection, expression);
      flush();
      return runQuery(collection, compiled, queryOptions.documents === true);
    },
    async close() {
      if (closed) return;
      flush();
      closed = true;
      db.close();
    },
  };
}
