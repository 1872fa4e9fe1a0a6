/**
 * The group commit of `postgresStorage`: appends and JSON values saved in
 * one turn of the event loop go to Postgres in one transaction, and their
 * promises settle after it commits (or fails: then every write of the batch
 * rejects, and none was stored). One batch runs at a time, so the writes of
 * one storage commit in the order they were made; those made while a batch
 * runs form the next one.
 *
 * However many writes it holds, a batch costs one or two round trips and a
 * few statements, each of them covering every document of the batch
 * (`unnest` arrays; named, so prepared once per connection; pipelined: sent
 * without waiting for the answers before them). Rows are always locked in
 * one statement, in a fixed order (by collection, then id, as in every
 * process), so two processes never deadlock. What each write does is
 * worked out in `postgres-batch.ts`.
 *
 * - Blind (the usual batch: appends without `expectVersion`, JSON values
 *   with a version): one round trip. Without JSON values, one statement
 *   (`append`): an upsert moves each document's version on under its row
 *   lock and the updates are logged below it. With JSON values: `BEGIN`,
 *   `lock`, `write`, `COMMIT`, sent at once.
 * - Read first (any other batch): `BEGIN`, `lock` and `heads` lock the rows
 *   and read their versions; with them, the outcome of each write is exact
 *   (versions, `expectVersion` conflicts, JSON values without a version),
 *   and `write` and `COMMIT` store it. An append whose `expectVersion` does
 *   not hold stores nothing and rejects alone (it is left out of `write`:
 *   no error inside the transaction).
 */
import type { Pool, PoolClient, QueryResult } from 'pg';
import { groupByDocument, keyName, planBatch, writesBlind, type BatchPlan, type DocumentWrites, type PostgresWrite } from './postgres-batch.ts';

export type { PostgresWrite } from './postgres-batch.ts';

/** The tables the writer writes (schema-qualified). */
export interface PostgresWriteTables {
  readonly documents: string;
  readonly updates: string;
}

/** The most writes one transaction takes; the rest wait for the next. */
const MAX_BATCH = 1000;

/** Statements of the writer, for its tables. */
function statements({ documents, updates }: PostgresWriteTables) {
  /** Logs the updates of `$4..$7` at the versions the documents of `heads` reached (the last one at the document's version). */
  const logged =
    `logged AS (INSERT INTO ${updates} (collection, id, version, data) SELECT u.collection, u.id, h.version - u.after, u.data ` +
    'FROM unnest($4::text[], $5::text[], $6::bigint[], $7::bytea[]) AS u(collection, id, after, data) JOIN heads AS h ON h.collection = u.collection AND h.id = u.id) ' +
    'SELECT collection, id, version FROM heads';
  /** Sets a JSON column to the batch's value, when it has one as of a version not below the stored one's (only forward). */
  const json = (column: string, value: string): string => `${column} = CASE WHEN k.has_json AND k.json_version >= d.json_version THEN ${value} ELSE d.${column} END`;
  return {
    // Locks each existing row (WHERE false: locked, not updated) and inserts each missing one (held until commit), in the order given.
    lock: `INSERT INTO ${documents} AS d (collection, id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (collection, id) DO UPDATE SET version = d.version WHERE false`,
    // After the lock: its snapshot holds the last committed version of every locked row.
    heads: `SELECT d.collection, d.id, d.version FROM unnest($1::text[], $2::text[]) AS k(collection, id) JOIN ${documents} AS d ON d.collection = k.collection AND d.id = k.id`,
    // By itself: locks each row in the order given, inserting the missing ones, and moves its version on by its count (1 or more).
    append:
      `WITH heads AS (INSERT INTO ${documents} AS d (collection, id, version) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ` +
      `ON CONFLICT (collection, id) DO UPDATE SET version = d.version + excluded.version RETURNING d.collection, d.id, d.version), ${logged}`,
    // On locked rows: moves each version on by its count (0 or more) and stores the JSON values.
    write:
      `WITH heads AS (UPDATE ${documents} AS d SET version = d.version + k.count, ${json('json', 'k.json')}, ` +
      `${json('doc', 'COALESCE(k.jsonb, k.json)::jsonb')}, ${json('json_version', 'k.json_version')} ` +
      'FROM unnest($1::text[], $2::text[], $3::bigint[], $8::boolean[], $9::text[], $10::text[], $11::bigint[]) AS k(collection, id, count, has_json, json, jsonb, json_version) ' +
      `WHERE d.collection = k.collection AND d.id = k.id RETURNING d.collection, d.id, d.version), ${logged}`,
  };
}

type Row = Record<string, unknown>;
/** The keys of `groups` as the parameters of `lock` and `heads`. */
const names = (groups: readonly DocumentWrites[]): [string[], string[]] => [groups.map((group) => group.key.collection), groups.map((group) => group.key.id)];
/** A document's version, as a row of `heads` or `append`. */
type HeadRow = { collection: string; id: string; version: string };
type Statement = keyof ReturnType<typeof statements>;

/**
 * Batches writes into transactions on `pool`, after `ready` (the
 * migrations) resolves. Give the pool `pipeline: true` (as
 * `postgresStorage` does): without it each statement costs a round trip
 * of its own. The pool's connections must be its own: the writer prepares
 * statements named `yracer_*` on them.
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

  /** Runs a prepared statement of the writer (pipelined: sent at once, behind those not answered yet). */
  #run<R extends Row>(client: PoolClient, statement: Statement, values: unknown[]): Promise<QueryResult<R>> {
    return client.query<R>({ name: `yracer_${statement}`, text: this.#sql[statement], values });
  }

  /** Runs one batch; never rejects: it settles each write instead. */
  async #commit(batch: readonly PostgresWrite[]): Promise<void> {
    let client: PoolClient | undefined;
    try {
      await this.#ready();
      client = await this.#pool.connect();
      const settle = writesBlind(batch) ? await this.#blind(client, batch) : await this.#locked(client, batch);
      client.release();
      settle();
    } catch (error) {
      // The connection may be broken, or in a failed transaction: discard it (Postgres rolls back).
      client?.release(error instanceof Error ? error : true);
      for (const write of batch) write.reject(error);
    }
  }

  /**
   * Writes a batch of `writesBlind` in one round trip: one statement, or
   * with JSON values, the lock and the write in one transaction.
   */
  async #blind(client: PoolClient, batch: readonly PostgresWrite[]): Promise<() => void> {
    const groups = groupByDocument(batch);
    const plan = planBatch(groups, null);
    let heads: QueryResult<HeadRow>;
    if (!plan.savesJson) heads = await this.#write(client, 'append', plan);
    else [, , heads] = await this.#commitAfter(client, [client.query('BEGIN'), this.#run(client, 'lock', names(groups)), this.#write(client, 'write', plan)]);
    const after = new Map(heads.rows.map((row) => [keyName(row), Number(row.version)]));
    // Every document of a blind batch changes, so each has its row here.
    const before = groups.map((group, i) => (after.get(keyName(group.key)) ?? 0) - (plan.counts[i] as number));
    return () => plan.settle(before);
  }

  /** Writes any batch in two round trips: locks and reads the rows of its documents, then writes what follows from them. */
  async #locked(client: PoolClient, batch: readonly PostgresWrite[]): Promise<() => void> {
    const groups = groupByDocument(batch);
    const keys = names(groups);
    const [, , heads] = await Promise.all([client.query('BEGIN'), this.#run(client, 'lock', keys), this.#run<HeadRow>(client, 'heads', keys)]);
    const versions = new Map(heads.rows.map((row) => [keyName(row), Number(row.version)]));
    if (versions.size !== groups.length) throw new Error('yracer postgresStorage: a document of the batch was not locked');
    const before = groups.map((group) => versions.get(keyName(group.key)) as number);
    const plan = planBatch(groups, before);
    // Nothing to store (conflicts, empty appends): roll back, which drops the rows the lock inserted and waits for no flush.
    if (plan.documents.ids.length === 0) await client.query('ROLLBACK');
    else await this.#commitAfter(client, [this.#write(client, 'write', plan)]);
    return () => plan.settle(before);
  }

  /** Runs `append` or `write` with the rows of `plan`. */
  #write(client: PoolClient, statement: 'append' | 'write', { documents: d, updates: u }: BatchPlan): Promise<QueryResult<HeadRow>> {
    const values: unknown[] = [d.collections, d.ids, d.counts, u.collections, u.ids, u.after, u.data];
    if (statement === 'write') values.push(d.hasJson, d.json, d.jsonb, d.jsonVersions);
    return this.#run<HeadRow>(client, statement, values);
  }

  /** Queues COMMIT behind `steps` (statements sent in the transaction) and resolves to their results once it committed. */
  async #commitAfter<T extends readonly unknown[]>(client: PoolClient, steps: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
    const [done, committed] = await Promise.all([Promise.all(steps), client.query('COMMIT')]);
    // After an error inside the transaction COMMIT answers ROLLBACK (that error rejected its own statement first).
    if (committed.command !== 'COMMIT') throw new Error('yracer postgresStorage: the transaction was rolled back');
    return done as unknown as T;
  }
}
