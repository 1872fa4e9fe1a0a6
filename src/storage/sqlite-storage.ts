/**
 * `sqliteStorage(file)`: the embedded default, on better-sqlite3 (WAL mode).
 *
 * Writes are group-committed: every append, JSON value and compaction made
 * in the same turn of the event loop goes into one transaction, in order,
 * and their promises resolve after it commits; writes made while a commit
 * runs go together into the next one. With `durability: 'disk'` (the
 * default) a resolved append survives a power loss: the commit syncs to
 * disk (`synchronous = FULL`), and it runs in a worker thread on a
 * connection of its own, so the wait for the disk never blocks the event
 * loop. With `'process'` a resolved append survives a crash of the process,
 * not of the machine (`synchronous = NORMAL`; commits are cheap and run on
 * the event loop). Reads run on the event loop and wait for the writes made
 * before them to commit.
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
import { ensureChangeTables, sqliteChanges } from './sqlite-changes.ts';
import { threadCommitter, type Committer } from './sqlite-commit-thread.ts';
import { sqliteDocuments } from './sqlite-documents.ts';
import { sqliteHistory } from './sqlite-history.ts';
import { groupCommit } from './sqlite-group-commit.ts';
import { sqliteListing } from './sqlite-listing.ts';
import { migrate } from './sqlite-schema.ts';
import { indexSql } from './sqlite-sort.ts';
import { sqliteWrites } from './sqlite-writes.ts';
import type { Storage, StorageQueryOptions, StoredDocument, StoredQueryResult } from './storage.ts';

/** Options of `sqliteStorage`. */
export interface SqliteStorageOptions {
  /**
   * What a resolved write survives. `'disk'` (the default): a power loss or
   * an OS crash; each commit waits for the disk (`synchronous = FULL`), in a
   * worker thread so the event loop keeps serving meanwhile. `'process'`: a
   * crash of the process but not of the machine (`synchronous = NORMAL`;
   * the last commits before a power cut may be lost); commits run on the
   * event loop and cost far less. An in-memory database (`':memory:'`)
   * survives nothing and commits on the event loop.
   */
  readonly durability?: 'disk' | 'process';
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

/** Commits on the event loop, on the storage's own connection (cheap commits: no sync to disk). */
function inlineCommitter(db: Database.Database): Committer {
  const writeAll = sqliteWrites(db);
  return { commit: (batch) => writeAll(batch), close: async () => undefined };
}

/**
 * Opens (creating when needed) a SQLite database file for the sync server.
 *
 * @example
 * const server = createServer({ storage: sqliteStorage('./data/yracer.db') });
 */
export function sqliteStorage(file: string, options: SqliteStorageOptions = {}): Storage {
  const indexes = indexStatements(options.indexes);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const durability = options.durability ?? 'disk';
  if (durability !== 'disk' && durability !== 'process') throw new TypeError(`yracer sqliteStorage: durability must be 'disk' or 'process'`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const synchronous = durability === 'disk' ? 'FULL' : 'NORMAL';
  db.pragma(`synchronous = ${synchronous}`);
  migrate(db);
  ensureChangeTables(db);
  for (const statement of indexes) db.exec(statement);
  const documents = sqliteDocuments(db);
  const listing = sqliteListing(db);
  const inMemory = file === ':memory:' || file === '';
  const committer: Committer = durability === 'disk' && !inMemory ? threadCommitter(file, synchronous) : inlineCommitter(db);
  const writes = groupCommit(committer);
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
  /** Runs a compiled query (and reads its documents) in one read transaction, so all of it sees one snapshot. */
  const runQuery = db.transaction((collection: string, compiled: CompiledQuery, withDocuments: boolean): StoredQueryResult => {
    if (compiled.count) return { ids: [], count: (prepared(compiled.sql).get(...compiled.params) as { count: number }).count, json: [] };
    if (!withDocuments || compiled.documentsSql === undefined) {
      const rows = prepared(compiled.sql).all(...compiled.params) as Array<{ id: string; json: string }>;
      return { ids: rows.map((row) => row.id), count: rows.length, json: rows.map((row) => row.json) };
    }
    // The states come with the rows the query visits anyway; only the update logs need a second statement.
    const rows = prepared(compiled.documentsSql).all(...compiled.params) as Array<{
      id: string;
      json: string;
      state: Buffer | null;
      version: number;
      state_version: number;
    }>;
    const ids = rows.map((row) => row.id);
    // A document whose state covers its version has no log: read the logs only when one does not.
    const logged = rows.filter((row) => row.version > row.state_version).map((row) => row.id);
    const logs = logged.length > 0 ? documents.logsOf(collection, logged) : new Map<string, Uint8Array[]>();
    const stored = rows.map((row): StoredDocument => ({ state: row.state && bytes(row.state), updates: logs.get(row.id) ?? [], version: row.version }));
    return { ids, count: rows.length, json: rows.map((row) => row.json), documents: stored };
  });

  let closed = false;
  const open = (): void => {
    if (closed) throw new Error(`yracer sqliteStorage(${file}): the storage is closed`);
  };
  /** Checks the storage is open and waits for what is queued to commit, so a read sees every earlier write. */
  const current = async (): Promise<void> => {
    open();
    await writes.settled();
  };
  /** Queues a write on an open storage. */
  const write = async (documentWrite: Parameters<typeof writes.write>[0]): Promise<number> => {
    open();
    return writes.write(documentWrite);
  };
  /** An own copy of a buffer the caller may reuse (and one the commit thread may take). */
  const own = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer);

  return {
    async load(key): Promise<StoredDocument> {
      await current();
      return documents.load(key);
    },
    // Copies now: the caller may reuse its buffers before the batch commits.
    append: (key, updates, appendOptions = {}) =>
      write({ kind: 'append', key, updates: updates.map(own), expectVersion: appendOptions.expectVersion }),
    async readSince(key, version) {
      await current();
      return documents.readSince(key, version);
    },
    async heads(keys) {
      await current();
      return documents.heads(keys);
    },
    async countDocuments() {
      await current();
      return documents.count();
    },
    async compact(key, state, through) {
      await write({ kind: 'compact', key, state: own(state), through });
    },
    async saveJson(key, json, version) {
      await write({ kind: 'json', key, json, version: version ?? null });
    },
    async staleJson() {
      await current();
      return documents.staleJson();
    },
    async loadJson(key) {
      await current();
      return documents.loadJson(key);
    },
    async query(collection: string, expression: QueryExpression, queryOptions: StorageQueryOptions = {}): Promise<StoredQueryResult> {
      open();
      const compiled = compiledFor(collection, expression);
      await current();
      return runQuery(collection, compiled, queryOptions.documents === true);
    },
    changes: sqliteChanges(db, { write: (changeWrite) => write(changeWrite), current }),
    async documentsAfter(after, limit) {
      await current();
      return listing(after, limit);
    },
    async close() {
      if (closed) return;
      closed = true;
      await writes.settled();
      try {
        await committer.close();
      } finally {
        db.close();
      }
    },
    history: sqliteHistory(db, current),
  };
}
