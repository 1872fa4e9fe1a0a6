/**
 * The tables of `postgresStorage` and the migrations that create and
 * change them.
 *
 * Migrations are an ordered list; the versions applied are rows of
 * `yracer_migrations`. Each runs in its own transaction holding a
 * transaction-level advisory lock for the schema, so two processes starting
 * at once apply each migration exactly once (the second waits, then sees it
 * applied). A database migrated by a newer yracer (a version this code does
 * not know) is refused rather than written to.
 */
import type { Pool, PoolClient } from 'pg';

/** One step of the schema, applied once, in order. */
export interface PostgresMigration {
  /** Its version: 1, 2, 3, ... in order. */
  readonly version: number;
  /** What it does, for readers of the code. */
  readonly description: string;
  /** The statements, for the (quoted) schema name given. */
  readonly sql: (schema: string) => string;
}

/**
 * Every migration, in order. Version 1 creates the documents (compacted
 * state, version, JSON text and its `jsonb` copy) and the update log.
 * Names and ids use `COLLATE "C"`, so they sort by code point and their
 * primary keys serve the id order of query results. A change to the schema
 * is a new entry at the end, never an edit of an applied one.
 *
 * @example
 * // The next one would read:
 * { version: 2, description: 'the stale JSON index', sql: (schema) => `CREATE INDEX ... ON ${schema}.yracer_documents ...` }
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'documents and their update log',
    sql: (schema) => `
      CREATE TABLE ${schema}.yracer_documents (
        collection text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        state bytea,
        state_version bigint NOT NULL DEFAULT 0,
        version bigint NOT NULL DEFAULT 0,
        json text,
        doc jsonb,
        json_version bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (collection, id)
      );
      CREATE TABLE ${schema}.yracer_updates (
        collection text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (collection, id, version)
      );`,
  },
];

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The schema name quoted for SQL (`"name"`), or a `TypeError` when it is not
 * a plain identifier: letters, digits and `_`, not starting with a digit, at
 * most 63 characters.
 *
 * @example
 * quoteSchema('yracer'); // '"yracer"'
 */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`yracer postgresStorage: schema "${schema.slice(0, 100)}" is not a valid name (letters, digits and _, at most 63)`);
  return `"${schema}"`;
}

/** Runs `work` in a transaction holding the advisory lock of `schema`; rolls back (and rethrows) on error. */
async function locked<T>(client: PoolClient, schema: string, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    // Two keys: a constant for yracer, and a hash of the schema name.
    await client.query('SELECT pg_advisory_xact_lock(1937334124, hashtext($1))', [schema]);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Creates the schema and its migration table when missing, then applies
 * every migration not applied yet, each in one locked transaction, and
 * finally runs `statements` (the `indexes` option) under the same lock.
 * Safe to run from several processes at once. Rejects when the database
 * holds a migration newer than this code knows.
 *
 * @example
 * await migratePostgres(pool, 'public', [indexSql('"public".yracer_documents', ['createdAt']).sql]);
 */
export async function migratePostgres(pool: Pool, schema: string, statements: readonly string[] = []): Promise<void> {
  const quoted = quoteSchema(schema);
  const known = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]?.version ?? 0;
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await locked(client, schema, async () => {
      // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database even when the schema exists.
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoted}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${quoted}.yracer_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    });
    for (const migration of POSTGRES_MIGRATIONS) {
      await locked(client, schema, async () => {
        const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${quoted}.yracer_migrations`);
        const applied = rows[0]?.version ?? 0;
        if (applied > known) {
          throw new Error(`yracer postgresStorage: schema "${schema}" is at migration ${applied}, newer than this yracer knows (${known}); upgrade yracer`);
        }
        if (applied >= migration.version) return;
        await client.query(migration.sql(quoted));
        await client.query(`INSERT INTO ${quoted}.yracer_migrations (version) VALUES ($1)`, [migration.version]);
      });
    }
    if (statements.length > 0) await locked(client, schema, async () => {
      for (const statement of statements) await client.query(statement);
    });
  } catch (error) {
    failed = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // After an error the client is discarded (its connection may be broken), not returned to the pool.
    client.release(failed);
  }
}
