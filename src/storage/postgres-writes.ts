/**
 * The group commit of `postgresStorage`: appends and JSON values saved in
 * one turn of the event loop go to Postgres in one transaction, and their
 * promises settle after it commits (or fails: then every write of the batch
 * rejects, and none was stored). One batch runs at a time, so the writes of
 * one storage commit in the order they were made; those made while a batch
 * runs form the next one.
 *
 * Versions are assigned under the document's row lock (`INSERT ... ON
 * CONFLICT DO UPDATE SET version = version + n`), so appends from several
 * processes get distinct, consecutive versions. Within a batch the writes
 * are grouped by document, in their order, and the documents are visited in
 * a fixed order, so two processes always lock rows in the same order and
 * never deadlock. An append whose `expectVersion` does not hold stores
 * nothing and rejects alone (its statement matches no row: no error inside
 * the transaction).
 */
import type { Pool, PoolClient } from 'pg';
import { VersionConflictError, type StorageKey } from './storage.ts';

/** A write waiting for the next group commit: updates to append, or a document's JSON value. */
export type PostgresWrite =
  | {
      readonly kind: 'append';
      readonly key: StorageKey;
      /** Copies of the caller's updates (the caller may reuse its buffers). */
      readonly updates: readonly Uint8Array[];
      readonly expectVersion: number | undefined;
      readonly resolve: (version: number) => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly kind: 'json';
      readonly key: StorageKey;
      readonly json: string | null;
      /** The value for the `jsonb` column when it differs from `json` (see `jsonbText`), else null. */
      readonly jsonb: string | null;
      /** The version the value reflects; undefined: the document's version at commit. */
      readonly version: number | undefined;
      readonly resolve: () => void;
      readonly reject: (error: unknown) => void;
    };

/** The tables the writer writes (schema-qualified). */
export interface PostgresWriteTables {
  readonly documents: string;
  readonly updates: string;
}

/** The most writes one transaction takes; the rest wait for the next. */
const MAX_BATCH = 500;

/** How often an append whose expected version turned up just after its check is tried again. */
const EXPECT_RETRIES = 3;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareKeys = (a: StorageKey, b: StorageKey): number => compareText(a.collection, b.collection) || compareText(a.id, b.id);

/** Writes grouped by document, each group in the order written, the groups ordered by collection and id. */
function byDocument(batch: readonly PostgresWrite[]): PostgresWrite[] {
  const groups = new Map<string, PostgresWrite[]>();
  for (const write of batch) {
    const name = JSON.stringify([write.key.collection, write.key.id]);
    const group = groups.get(name);
    if (group) group.push(write);
    else groups.set(name, [write]);
  }
  return [...groups.values()].sort((a, b) => compareKeys((a[0] as PostgresWrite).key, (b[0] as PostgresWrite).key)).flat();
}

/** Statements of the writer, for its tables. */
function statements({ documents, updates }: PostgresWriteTables) {
  const log = (head: string): string =>
    `WITH head AS (${head} RETURNING d.version), logged AS (INSERT INTO ${updates} (collection, id, version, data) ` +
    'SELECT $1::text, $2::text, head.version - $3::bigint + u.n, u.data FROM head, unnest($4::bytea[]) WITH ORDINALITY AS u(data, n)) ' +
    'SELECT version FROM head';
  const upsert = `INSERT INTO ${documents} AS d (collection, id, version) VALUES ($1::text, $2::text, $3::bigint) ON CONFLICT (collection, id) DO UPDATE SET version = d.version + $3::bigint`;
  const json = (version: string): string =>
    `INSERT INTO ${documents} AS d (collection, id, json, doc, json_version) VALUES ($1::text, $2::text, $3::text, COALESCE($4::text, $3::text)::jsonb, ${version}) ` +
    'ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json, doc = excluded.doc';
  return {
    append: log(upsert),
    /** Appends only to a document at version 0 (or missing). */
    appendAtZero: log(`${upsert} WHERE d.version = 0`),
    /** Appends only to a document at version `$5`. */
    appendAt: log(`UPDATE ${documents} AS d SET version = d.version + $3::bigint WHERE collection = $1::text AND id = $2::text AND version = $5::bigint`),
    version: `SELECT version FROM ${documents} WHERE collection = $1 AND id = $2`,
    lockedVersion: `SELECT version FROM ${documents} WHERE collection = $1 AND id = $2 FOR UPDATE`,
    jsonAt: `${json('$5::bigint')}, json_version = excluded.json_version WHERE excluded.json_version >= d.json_version`,
    // A new row is at version 0, as its JSON value.
    jsonNow: `${json('0')}, json_version = d.version WHERE d.version >= d.json_version`,
  };
}

/**
 * Batches writes into transactions on `pool`, after `ready` (the
 * migrations) resolves.
 *
 * @example
 * const writer = new PostgresWriter(pool, tables, ready);
 * const version = await new Promise((resolve, reject) => writer.enqueue({ kind: 'append', key, updates, expectVersion: undefined, resolve, reject }));
 */
export class PostgresWriter {
  readonly #pool: Pool;
  readonly #ready: () => Promise<void>;
  readonly #sql: ReturnType<typeof statements>;
  #queue: PostgresWrite[] = [];
  #scheduled = false;
  #running = false;
  #enqueued = 0;
  #settled = 0;
  #waiters: Array<{ readonly upTo: number; readonly resolve: () => void }> = [];

  constructor(pool: Pool, tables: PostgresWriteTables, ready: () => Promise<void>) {
    this.#pool = pool;
    this.#ready = ready;
    this.#sql = statements(tables);
  }

  /** Queues a write for the batch of this turn of the event loop. */
  enqueue(write: PostgresWrite): void {
    this.#queue.push(write);
    this.#enqueued += 1;
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#drain();
    });
  }

  /** Resolves once every write queued before the call has settled (committed or failed); starts its batch now. */
  settled(): Promise<void> {
    if (this.#settled === this.#enqueued) return Promise.resolve();
    const promise = new Promise<void>((resolve) => this.#waiters.push({ upTo: this.#enqueued, resolve }));
    this.#drain();
    return promise;
  }

  #drain(): void {
    if (this.#running || this.#queue.length === 0) return;
    this.#running = true;
    const batch = this.#queue.splice(0, MAX_BATCH);
    void this.#commit(batch).then(() => {
      this.#running = false;
      this.#settled += batch.length;
      const waiting = this.#waiters;
      this.#waiters = waiting.filter((waiter) => waiter.upTo > this.#settled);
      for (const waiter of waiting) if (waiter.upTo <= this.#settled) waiter.resolve();
      this.#drain();
    });
  }

  /** Runs one batch; never rejects: it settles each write instead. */
  async #commit(batch: readonly PostgresWrite[]): Promise<void> {
    let client: PoolClient | undefined;
    try {
      await this.#ready();
      client = await this.#pool.connect();
      const ordered = byDocument(batch);
      // One statement is atomic by itself.
      const transaction = ordered.length > 1;
      if (transaction) await client.query('BEGIN');
      const outcomes: Array<() => void> = [];
      for (const write of ordered) outcomes.push(await this.#write(client, write));
      if (transaction) await client.query('COMMIT');
      client.release();
      for (const settle of outcomes) settle();
    } catch (error) {
      // The connection may be broken, or in a failed transaction: discard it (Postgres rolls back).
      client?.release(error instanceof Error ? error : true);
      for (const write of batch) write.reject(error);
    }
  }

  /** Runs one write in the batch's transaction; returns how to settle it once the transaction commits. */
  async #write(client: PoolClient, write: PostgresWrite): Promise<() => void> {
    const { collection, id } = write.key;
    if (write.kind === 'json') {
      if (write.version === undefined) await client.query(this.#sql.jsonNow, [collection, id, write.json, write.jsonb]);
      else await client.query(this.#sql.jsonAt, [collection, id, write.json, write.jsonb, write.version]);
      return () => write.resolve();
    }
    const { updates, expectVersion } = write;
    if (updates.length === 0) {
      const current = await this.#version(client, write.key, false);
      return expectVersion === undefined || current === expectVersion ? () => write.resolve(current) : this.#conflict(write, current);
    }
    const params: unknown[] = [collection, id, updates.length, updates];
    if (expectVersion === undefined) return this.#appended(write, await client.query<{ version: string }>(this.#sql.append, params));
    const [sql, guarded] = expectVersion === 0 ? [this.#sql.appendAtZero, params] : [this.#sql.appendAt, [...params, expectVersion]];
    for (let attempt = 0; ; attempt++) {
      const result = await client.query<{ version: string }>(sql, guarded);
      if (result.rows.length > 0) return this.#appended(write, result);
      // The version did not match: read it under the row lock (exact, since versions only grow while it is held).
      const actual = await this.#version(client, write.key, true);
      // It may have reached the expected version since the check (another process appended): then try again.
      if (actual !== expectVersion || attempt >= EXPECT_RETRIES) return this.#conflict(write, actual);
    }
  }

  async #version(client: PoolClient, key: StorageKey, lock: boolean): Promise<number> {
    const result = await client.query<{ version: string }>(lock ? this.#sql.lockedVersion : this.#sql.version, [key.collection, key.id]);
    return Number(result.rows[0]?.version ?? 0);
  }

  #appended(write: PostgresWrite & { kind: 'append' }, result: { rows: ReadonlyArray<{ version: string }> }): () => void {
    const version = Number(result.rows[0]?.version);
    return () => write.resolve(version);
  }

  #conflict(write: PostgresWrite & { kind: 'append' }, actual: number): () => void {
    return () => write.reject(new VersionConflictError(write.key, write.expectVersion ?? 0, actual));
  }
}
