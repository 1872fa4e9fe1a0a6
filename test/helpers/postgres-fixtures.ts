/**
 * Fixtures for the Postgres storage tests: whether a server answers
 * (`postgresAvailable`, probed once when the file loads), fresh schemas
 * dropped after the file, and storages closed after each test.
 *
 * The server is `YRACER_POSTGRES_URL`, by default
 * `postgres://postgres@127.0.0.1:5432/test`. When it does not answer, the
 * tests skip with one warning; with `YRACER_REQUIRE_POSTGRES=1` the file
 * fails instead.
 */
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { postgresStorage, type PostgresStorageOptions } from '../../src/storage/postgres-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';

/** The server the tests use. */
export const POSTGRES_URL = process.env['YRACER_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL without its password, for messages. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** Why the server does not answer, or null when it does. */
async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = await probe();
if (problem !== null && process.env['YRACER_REQUIRE_POSTGRES'] === '1') {
  throw new Error(`YRACER_REQUIRE_POSTGRES=1, but no Postgres server answers at ${shown(POSTGRES_URL)}: ${problem}`);
}
if (problem !== null) console.warn(`skipping Postgres tests: no server at ${shown(POSTGRES_URL)} (${problem}); set YRACER_POSTGRES_URL to run them`);

/** True when the Postgres server answered; describe the Postgres tests with `describe.skipIf(!postgresAvailable)`. */
export const postgresAvailable = problem === null;

/** What `postgresScope` gives a test file. */
export interface PostgresScope {
  /**
   * Creates a schema no other test uses (dropped with its tables after the
   * file) and returns its name; with `create: false` only picks the name,
   * for the storage to create.
   */
  freshSchema(options?: { readonly create?: boolean }): Promise<string>;
  /** Opens a storage on `schema` (closed after the test, or after the file with `untilAfterAll`). */
  open(schema: string, options?: Omit<PostgresStorageOptions, 'schema'>, config?: pg.PoolConfig, untilAfterAll?: boolean): Storage;
  /** The schema a storage of `open` works in. */
  schemaOf(storage: Storage): string;
  /** A pool of the test's own, to look at or disturb the database (ended after the file). */
  admin(): pg.Pool;
}

let schemas = 0;

/** Registers the hooks of a Postgres test file and returns its helpers. */
export function postgresScope(): PostgresScope {
  const created: string[] = [];
  const opened: Storage[] = [];
  const openedForFile: Storage[] = [];
  const schemaOf = new WeakMap<Storage, string>();
  let pool: pg.Pool | null = null;
  const admin = (): pg.Pool => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 4 });
      pool.on('error', () => undefined);
    }
    return pool;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((storage) => storage.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await Promise.all(openedForFile.splice(0).map((storage) => storage.close().catch(() => undefined)));
    for (const schema of created.splice(0)) await admin().query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });
  return {
    async freshSchema({ create = true } = {}) {
      schemas += 1;
      const schema = `yracer_test_${process.pid}_${Date.now().toString(36)}_${schemas}`;
      created.push(schema);
      if (create) await admin().query(`CREATE SCHEMA "${schema}"`);
      return schema;
    },
    open(schema, options = {}, config = {}, untilAfterAll = false) {
      const storage = postgresStorage({ connectionString: POSTGRES_URL, ...config }, { ...options, schema });
      (untilAfterAll ? openedForFile : opened).push(storage);
      schemaOf.set(storage, schema);
      return storage;
    },
    schemaOf(storage) {
      const schema = schemaOf.get(storage);
      if (schema === undefined) throw new Error('not a storage of this scope');
      return schema;
    },
    admin,
  };
}
