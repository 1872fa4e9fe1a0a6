/**
 * `postgresStorage(url)`: the storage for several server processes sharing
 * one database, on node-postgres (`pg`).
 *
 * - Tables are created and migrated on start (`postgres-schema.ts`), in the
 *   schema of the `schema` option; every method waits for that, and when it
 *   fails (Postgres down) rejects and tries again on the next call.
 * - Appends and JSON values saved in one turn of the event loop commit in
 *   one transaction, in one or two round trips (`postgres-writes.ts`:
 *   pipelined, with prepared statements named `yracer_*`, so PgBouncer in
 *   transaction mode needs 1.21+ with `max_prepared_statements`); versions
 *   are assigned under the row lock, gapless per document across processes.
 * - Reads wait for the writes made before them, and read one snapshot (one
 *   statement), so a state and the log after it always belong together.
 * - `compact` locks the document's row, then replaces the state and drops
 *   the log through `through` in one transaction, only moving forward.
 * - Each document keeps its JSON value twice: `json`, the exact text (what
 *   `loadJson` and queries return), and `doc`, the same value as `jsonb`,
 *   which queries read (`postgres-query.ts`). `jsonb` cannot hold U+0000 or
 *   unpaired surrogates: in `doc` they become U+FFFD, and so do the strings
 *   a query compares with, so such a value is still found (and also by a
 *   query for U+FFFD at that place); see `postgres-text.ts`.
 *
 * Needs PostgreSQL 11 or later (casts from jsonb to float8); tested on 15.
 */
import { Buffer } from 'node:buffer';
import pg, { type PoolConfig } from 'pg';
import type { QueryExpression } from '../query/query-expression.ts';
import { postgresChanges } from './postgres-changes.ts';
import { postgresListing } from './postgres-listing.ts';
import { indexStatements } from './postgres-index-statements.ts';
import { PostgresQueryCache } from './postgres-query-cache.ts';
import { postgresHistory } from './postgres-history.ts';
import { migratePostgres, quoteSchema } from './postgres-schema.ts';
import { assertStorableKey, assertStorableName, jsonbText } from './postgres-text.ts';
import { PostgresWriter } from './postgres-writes.ts';
import type { Storage, StorageQueryOptions, StoredDocument, StoredQueryResult, StoredUpdates } from './storage.ts';
import type { StorageKey } from './storage-key.ts';

/**
 * Options of `postgresStorage(connection, options)`. The connection itself
 * is a URL (`postgres://user:password@host:5432/database`) or a `pg`
 * `PoolConfig` (host, user, password, ssl, ...). node-postgres waits for a
 * connection forever by default: set `connectionTimeoutMillis` in the
 * config to have calls reject when the server does not answer.
 *
 * @example
 * postgresStorage({ host: 'db', user: 'yracer', database: 'app', connectionTimeoutMillis: 5000 }, { schema: 'yracer', poolSize: 20 });
 */
export interface PostgresStorageOptions {
  /**
   * The Postgres schema of the tables (created when missing): letters,
   * digits and `_`, at most 63. Default `public`. Several yracer
   * deployments (or test runs) can share a database in schemas of their own.
   */
  readonly schema?: string;
  /**
   * Expression indexes for queries, per collection: lists of fields, each
   * list one index over `collection`, the fields' sort keys in that order
   * and `id` (created when missing, on start). When a query's `$sort` fields
   * are the first fields of an index and all go the same direction, a
   * `$limit`ed query walks the index and stops after the first rows instead
   * of sorting every match; equalities on the first fields (`{ listId: 'L1' }`)
   * seek them first. Since each index leads with `collection`, the
   * same fields listed for two collections make one index. At most 10 fields
   * an index. Invalid field or collection names throw a `TypeError`.
   *
   * @example
   * postgresStorage(url, { indexes: { todos: [['createdAt'], ['listId', 'createdAt']] } });
   */
  readonly indexes?: Readonly<Record<string, ReadonlyArray<readonly string[]>>>;
  /** The most connections the storage opens at once (`max` of the `pg` pool; default that of the config, else 10). */
  readonly poolSize?: number;
}

const bytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

function assertVersion(version: number, what: string): void {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`yracer postgresStorage: ${what} must be a non-negative integer, not ${String(version)}`);
}

/** A row with a document's state and log (`load`, query documents). */
interface DocumentRow {
  readonly state: Buffer | null;
  readonly version: string;
  readonly updates: readonly Buffer[];
}

const storedDocument = (row: DocumentRow | undefined): StoredDocument =>
  row ? { state: row.state && bytes(row.state), updates: row.updates.map(bytes), version: Number(row.version) } : { state: null, updates: [], version: 0 };

/**
 * Opens a storage on a Postgres database, given a connection URL or a `pg`
 * pool config. Returns at once; the tables are created or migrated in the
 * background, and the first calls wait for that.
 *
 * @example
 * const server = createServer({ storage: postgresStorage(process.env.DATABASE_URL ?? 'postgres://localhost/yracer') });
 */
export function postgresStorage(connection: string | PoolConfig, options: PostgresStorageOptions = {}): Storage {
  const schema = options.schema ?? 'public';
  const quoted = quoteSchema(schema);
  const tables = { documents: `${quoted}.yracer_documents`, updates: `${quoted}.yracer_updates` };
  const indexes = indexStatements(tables.documents, options.indexes);
  const config: PoolConfig = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
  if (options.poolSize !== undefined) {
    if (!Number.isSafeInteger(options.poolSize) || options.poolSize < 1) throw new TypeError('yracer postgresStorage: poolSize must be a positive integer');
    config.max = options.poolSize;
  }
  config.application_name ??= 'yracer';
  config.pipeline ??= true; // a group commit sends its statements without waiting for each answer
  const pool = new pg.Pool(config);
  // An idle connection that breaks is dropped by the pool; the next query opens another (without a listener, the error would crash the process).
  pool.on('error', () => undefined);
  // So does a connection that breaks while checked out between two queries: the next query on it rejects, which is what callers see.
  pool.on('connect', (client) => client.on('error', () => undefined));

  let migrated: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    if (!migrated) {
      const attempt = migratePostgres(pool, schema, indexes);
      migrated = attempt;
      attempt.catch(() => {
        if (migrated === attempt) migrated = null; // try again on the next call
      });
    }
    return migrated;
  };
  void ready().catch(() => undefined);
  const writer = new PostgresWriter(pool, tables, ready);
  const listing = postgresListing(pool, tables);
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new Error('yracer postgresStorage: the storage is closed');
  };
  /** Before a read: the storage is open and migrated, and the writes made before have settled. */
  const beforeRead = async (): Promise<void> => {
    assertOpen();
    await ready();
    await writer.settled();
  };

  const queries = new PostgresQueryCache(tables, options.indexes);
  const logOf = (after: string): string =>
    `ARRAY(SELECT u.data FROM ${tables.updates} AS u WHERE u.collection = d.collection AND u.id = d.id${after} ORDER BY u.version) AS updates`;
  const sql = {
    load: `SELECT d.state, d.version, ${logOf('')} FROM ${tables.documents} AS d WHERE d.collection = $1 AND d.id = $2`,
    // Once a compaction dropped updates after the version asked for, the state comes along, and the log after it.
    readSince: `SELECT CASE WHEN d.state_version > $3 THEN d.state END AS state, d.version, ${logOf(' AND u.version > $3')} FROM ${tables.documents} AS d WHERE d.collection = $1 AND d.id = $2`,
    heads:
      `SELECT d.version FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(collection, id, n) ` +
      `LEFT JOIN ${tables.documents} AS d ON d.collection = k.collection AND d.id = k.id ORDER BY k.n`,
    lock: `SELECT version, state_version FROM ${tables.documents} WHERE collection = $1 AND id = $2 FOR UPDATE`,
    // Guarded again in SQL (under the lock it always holds): only forward, and the log only with the state.
    compact:
      `WITH state AS (UPDATE ${tables.documents} SET state = $3, state_version = $4 WHERE collection = $1 AND id = $2 AND state_version < $4 RETURNING 1) ` +
      `DELETE FROM ${tables.updates} WHERE collection = $1 AND id = $2 AND version <= $4 AND EXISTS (SELECT 1 FROM state)`,
    stale: `SELECT collection, id FROM ${tables.documents} WHERE version > json_version ORDER BY collection, id`,
    json: `SELECT json FROM ${tables.documents} WHERE collection = $1 AND id = $2`,
    count: `SELECT count(*) AS count FROM ${tables.documents} WHERE version > 0`,
  };

  return {
    async load(key) {
      assertStorableKey(key);
      await beforeRead();
      const { rows } = await pool.query<DocumentRow>(sql.load, [key.collection, key.id]);
      return storedDocument(rows[0]);
    },
    append(key, updates, appendOptions = {}) {
      return new Promise<number>((resolve, reject) => {
        assertOpen();
        assertStorableKey(key);
        const { expectVersion } = appendOptions;
        if (expectVersion !== undefined) assertVersion(expectVersion, 'expectVersion');
        if (!Array.isArray(updates) || !updates.every((update) => update instanceof Uint8Array)) throw new TypeError('yracer postgresStorage: updates must be an array of Uint8Array');
        // Copy now: the caller may reuse its buffers before the batch commits.
        writer.enqueue({ kind: 'append', key: { collection: key.collection, id: key.id }, updates: updates.map((update) => Buffer.from(update)), expectVersion, resolve, reject });
      });
    },
    async readSince(key, version): Promise<StoredUpdates> {
      assertStorableKey(key);
      assertVersion(version, 'the version');
      await beforeRead();
      const { rows } = await pool.query<DocumentRow>(sql.readSince, [key.collection, key.id, version]);
      return storedDocument(rows[0]);
    },
    async heads(keys) {
      keys.forEach(assertStorableKey);
      await beforeRead();
      if (keys.length === 0) return [];
      const { rows } = await pool.query<{ version: string | null }>(sql.heads, [keys.map((key) => key.collection), keys.map((key) => key.id)]);
      return rows.map((row) => Number(row.version ?? 0));
    },
    async countDocuments() {
      await beforeRead();
      const { rows } = await pool.query<{ count: string }>(sql.count);
      return Number(rows[0]?.count ?? 0);
    },
    async compact(key, state, through) {
      assertStorableKey(key);
      assertVersion(through, 'through');
      const copy = Buffer.from(state); // now: the caller may reuse its buffer
      await beforeRead();
      const client = await pool.connect();
      let failure: Error | undefined;
      let refused: RangeError | null = null;
      try {
        await client.query('BEGIN');
        // The row lock orders this compaction after every append committed so far; the next statement sees all of their updates.
        const { rows } = await client.query<{ version: string; state_version: string }>(sql.lock, [key.collection, key.id]);
        const version = Number(rows[0]?.version ?? 0);
        if (through > version) refused = new RangeError(`yracer postgresStorage: cannot compact ${key.collection}/${key.id} through ${through}, it is at version ${version}`);
        else if (through > Number(rows[0]?.state_version ?? 0)) await client.query(sql.compact, [key.collection, key.id, copy, through]);
        await client.query(refused ? 'ROLLBACK' : 'COMMIT');
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        throw error;
      } finally {
        client.release(failure); // discarded after an error, which also rolls back
      }
      if (refused) throw refused;
    },
    saveJson(key, json, version) {
      return new Promise<void>((resolve, reject) => {
        assertOpen();
        assertStorableKey(key);
        if (version !== undefined) assertVersion(version, 'the version');
        if (json !== null && typeof json !== 'string') throw new TypeError('yracer postgresStorage: the JSON value must be a string or null');
        const jsonb = json === null ? null : jsonbText(json);
        writer.enqueue({ kind: 'json', key: { collection: key.collection, id: key.id }, json, jsonb, version, resolve, reject });
      });
    },
    async staleJson(): Promise<StorageKey[]> {
      await beforeRead();
      const { rows } = await pool.query<{ collection: string; id: string }>(sql.stale);
      return rows.map(({ collection, id }) => ({ collection, id }));
    },
    async loadJson(key) {
      assertStorableKey(key);
      await beforeRead();
      const { rows } = await pool.query<{ json: string | null }>(sql.json, [key.collection, key.id]);
      return rows[0]?.json ?? null;
    },
    async query(collection: string, expression: QueryExpression, queryOptions: StorageQueryOptions = {}): Promise<StoredQueryResult> {
      assertOpen();
      assertStorableName(collection);
      const compiled = queries.compiled(collection, expression);
      const documents = queryOptions.documents === true;
      await beforeRead();
      if (compiled.count) {
        const { rows } = await pool.query<{ count: string }>(compiled.sql, [...compiled.params]);
        const count = Number(rows[0]?.count ?? 0);
        return documents ? { ids: [], count, json: [], documents: [] } : { ids: [], count, json: [] };
      }
      if (!documents) {
        const { rows } = await pool.query<{ id: string; json: string }>(compiled.sql, [...compiled.params]);
        return { ids: rows.map((row) => row.id), count: rows.length, json: rows.map((row) => row.json) };
      }
      // One statement: the states and logs belong to the same snapshot as the matches.
      const { rows } = await pool.query<DocumentRow & { id: string; json: string }>(compiled.documentsSql as string, [...compiled.params]);
      return { ids: rows.map((row) => row.id), count: rows.length, json: rows.map((row) => row.json), documents: rows.map(storedDocument) };
    },
    changes: postgresChanges({ pool, schema, quoted, ready, assertOpen }),
    async documentsAfter(after, limit) {
      await beforeRead();
      return listing(after, limit);
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.settled();
      await migrated?.catch(() => undefined);
      await pool.end();
    },
    history: postgresHistory(pool, quoted, schema, async () => {
      assertOpen();
      await ready();
    }),
  };
}
