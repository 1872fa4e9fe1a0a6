/**
 * `postgresHistory(pool, schema, ready)`: the checkpoints of
 * `postgresStorage` (`storage.history`), in a table of their own
 * (`yracer_history` in the storage's schema). The table is created when
 * first used, under the schema's advisory lock, so processes starting at
 * once create it once. Two processes adding a checkpoint of the same
 * document at the same moment compete for its next number: the loser tries
 * again with the one after.
 */
import type { Pool } from 'pg';
import { assertKeep, type CheckpointInfo, type HistoryStorage } from './history-storage.ts';

interface Row {
  readonly checkpoint: string;
  readonly version: string;
  readonly time: string;
  readonly users: string;
}

/** How many times a checkpoint is numbered again after another process took its number. */
const ATTEMPTS = 5;

/**
 * The checkpoint storage of a Postgres schema; `schema` is its quoted name,
 * `ready` resolves once the storage's migrations ran (and rejects when the
 * storage is closed).
 *
 * @example
 * const history = postgresHistory(pool, '"public"', 'public', ready);
 */
export function postgresHistory(pool: Pool, quoted: string, schema: string, ready: () => Promise<void>): HistoryStorage {
  const table = `${quoted}.yracer_history`;
  let created: Promise<void> | null = null;
  const create = async (): Promise<void> => {
    const client = await pool.connect();
    let failed: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(1937334124, hashtext($1))', [schema]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${table} (collection text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, checkpoint bigint NOT NULL, ` +
          `version bigint NOT NULL, time bigint NOT NULL, users text NOT NULL, json text, PRIMARY KEY (collection, id, checkpoint))`,
      );
      await client.query('COMMIT');
    } catch (error) {
      failed = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(failed);
    }
  };
  const before = async (): Promise<void> => {
    await ready();
    if (!created) {
      const attempt = create();
      created = attempt;
      attempt.catch(() => {
        if (created === attempt) created = null; // try again on the next call
      });
    }
    await created;
  };
  const insert =
    `WITH added AS (INSERT INTO ${table} (collection, id, checkpoint, version, time, users, json) ` +
    `SELECT $1, $2, coalesce(max(checkpoint), 0) + 1, $3, $4, $5, $6 FROM ${table} WHERE collection = $1 AND id = $2 RETURNING checkpoint) ` +
    `SELECT checkpoint FROM added`;
  const prune = `DELETE FROM ${table} WHERE collection = $1 AND id = $2 AND checkpoint <= $3`;
  return {
    async addCheckpoint(key, checkpoint, keep) {
      assertKeep(keep, 'yracer postgresStorage history');
      await before();
      const users = JSON.stringify([...checkpoint.users].sort());
      for (let attempt = 1; ; attempt++) {
        try {
          const { rows } = await pool.query<{ checkpoint: string }>(insert, [key.collection, key.id, checkpoint.version, checkpoint.time, users, checkpoint.json]);
          const number = Number(rows[0]?.checkpoint);
          await pool.query(prune, [key.collection, key.id, number - keep]);
          return number;
        } catch (error) {
          // 23505: another process took the number (unique violation).
          if ((error as { code?: unknown }).code !== '23505' || attempt >= ATTEMPTS) throw error;
        }
      }
    },
    async checkpoints(key): Promise<CheckpointInfo[]> {
      await before();
      const { rows } = await pool.query<Row>(`SELECT checkpoint, version, time, users FROM ${table} WHERE collection = $1 AND id = $2 ORDER BY checkpoint DESC`, [key.collection, key.id]);
      return rows.map((row) => ({ checkpoint: Number(row.checkpoint), version: Number(row.version), time: Number(row.time), users: JSON.parse(row.users) as string[] }));
    },
    async checkpointJson(key, checkpoint) {
      await before();
      const { rows } = await pool.query<{ json: string | null }>(`SELECT json FROM ${table} WHERE collection = $1 AND id = $2 AND checkpoint = $3`, [key.collection, key.id, checkpoint]);
      const row = rows[0];
      return row ? { json: row.json } : null;
    },
  };
}
