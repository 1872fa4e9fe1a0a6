/**
 * The change log of `postgresStorage` (change-log.ts), shared by every
 * process on the database: `yracer_changes` (one row per change) and
 * `yracer_change_heads` (each collection's last seq). A recording locks its
 * collection's head row, so the changes of a collection commit in seq order
 * across processes, and a reader that read through a seq never finds a
 * lower one later. The tables are created on first use (under the schema's
 * migration lock), apart from the numbered migrations.
 */
import type { Pool, PoolClient } from 'pg';
import type { ChangeLog, ChangeRecord, StoredChange } from './change-log.ts';
import { assertStorableKey, assertStorableName } from './postgres-text.ts';

const tables = (schema: string): string => `
  CREATE TABLE IF NOT EXISTS ${schema}.yracer_changes (
    collection text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    id text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    time bigint NOT NULL,
    json text,
    PRIMARY KEY (collection, seq)
  );
  CREATE INDEX IF NOT EXISTS yracer_changes_document ON ${schema}.yracer_changes (collection, id, version);
  CREATE INDEX IF NOT EXISTS yracer_changes_time ON ${schema}.yracer_changes (time);
  CREATE TABLE IF NOT EXISTS ${schema}.yracer_change_heads (
    collection text COLLATE "C" NOT NULL PRIMARY KEY,
    seq bigint NOT NULL
  );`;

/** What `postgresChanges` needs from its storage. */
export interface PostgresChangeHost {
  readonly pool: Pool;
  /** The schema's name, and quoted for SQL. */
  readonly schema: string;
  readonly quoted: string;
  /** Resolves once the storage's migrations ran (rejects while Postgres is unreachable). */
  readonly ready: () => Promise<void>;
  /** Throws once the storage is closed. */
  readonly assertOpen: () => void;
}

interface ChangeRow {
  readonly seq: string;
  readonly id: string;
  readonly version: string;
  readonly time: string;
  readonly json: string | null;
}

/** Runs `work` in a transaction on a pooled connection (discarded after an error, which rolls back). */
async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failed = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(failed);
  }
}

/** The `ChangeLog` of a Postgres storage. */
export function postgresChanges(host: PostgresChangeHost): ChangeLog {
  const { pool, quoted } = host;
  const changes = `${quoted}.yracer_changes`;
  const heads = `${quoted}.yracer_change_heads`;
  let created: Promise<void> | null = null;
  const ready = async (): Promise<void> => {
    host.assertOpen();
    await host.ready();
    created ??= transaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(1937334124, hashtext($1))', [host.schema]);
      await client.query(tables(quoted));
    }).catch((error: unknown) => {
      created = null; // try again on the next call
      throw error;
    });
    await created;
  };

  /** Records the changes of one collection in one transaction, holding its head row. */
  const recordCollection = (collection: string, list: readonly ChangeRecord[], time: number): Promise<void> =>
    transaction(pool, async (client) => {
      await client.query(`INSERT INTO ${heads} (collection, seq) VALUES ($1, 0) ON CONFLICT (collection) DO NOTHING`, [collection]);
      const head = await client.query<{ seq: string }>(`SELECT seq FROM ${heads} WHERE collection = $1 FOR UPDATE`, [collection]);
      const recorded = await client.query<{ id: string; version: string }>(
        `SELECT id, max(version) AS version FROM ${changes} WHERE collection = $1 AND id = ANY($2::text[]) GROUP BY id`,
        [collection, [...new Set(list.map((change) => change.id))]],
      );
      const last = new Map(recorded.rows.map((row) => [row.id, Number(row.version)]));
      const kept: ChangeRecord[] = [];
      for (const change of list) {
        if ((last.get(change.id) ?? 0) >= change.version) continue;
        last.set(change.id, change.version);
        kept.push(change);
      }
      if (kept.length === 0) return;
      const first = Number(head.rows[0]?.seq ?? 0) + 1;
      await client.query(
        `INSERT INTO ${changes} (collection, seq, id, version, time, json) ` +
          'SELECT $1, $2::bigint + c.n - 1, c.id, c.version, $3, c.json FROM unnest($4::text[], $5::bigint[], $6::text[]) WITH ORDINALITY AS c(id, version, json, n)',
        [collection, first, time, kept.map((change) => change.id), kept.map((change) => change.version), kept.map((change) => change.json)],
      );
      await client.query(`UPDATE ${heads} SET seq = $2 WHERE collection = $1`, [collection, first + kept.length - 1]);
    });

  return {
    async record(list) {
      for (const change of list) assertStorableKey(change);
      await ready();
      const time = Date.now();
      const byCollection = new Map<string, ChangeRecord[]>();
      for (const change of list) byCollection.set(change.collection, [...(byCollection.get(change.collection) ?? []), change]);
      // One collection at a time: a transaction holds one head row, so two processes never wait on each other in a cycle.
      for (const [collection, changesOf] of byCollection) await recordCollection(collection, changesOf, time);
    },
    async read(collection, since, limit): Promise<StoredChange[]> {
      assertStorableName(collection);
      await ready();
      const { rows } = await pool.query<ChangeRow>(`SELECT seq, id, version, time, json FROM ${changes} WHERE collection = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [
        collection,
        since,
        limit,
      ]);
      return rows.map((row) => ({ collection, seq: Number(row.seq), id: row.id, version: Number(row.version), time: Number(row.time), json: row.json }));
    },
    async prune({ before, keepRows }) {
      await ready();
      let dropped = 0;
      if (before !== undefined) dropped += (await pool.query(`DELETE FROM ${changes} WHERE time < $1`, [before])).rowCount ?? 0;
      if (keepRows !== undefined) {
        const result = await pool.query(`DELETE FROM ${changes} AS c USING ${heads} AS h WHERE c.collection = h.collection AND c.seq <= h.seq - $1`, [keepRows]);
        dropped += result.rowCount ?? 0;
      }
      return dropped;
    },
  };
}
