import { describe, expect, it } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres-storage.ts';
import { POSTGRES_MIGRATIONS } from '../../src/storage/postgres-schema.ts';
import { VersionConflictError } from '../../src/storage/storage.ts';
import type { StorageKey } from '../../src/storage/storage-key.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { describeStorageContract } from '../helpers/storage-contract.ts';

const key = (id: string): StorageKey => ({ collection: 'todos', id });
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const plain = (list: readonly Uint8Array[]): number[][] => list.map((u) => [...u]);

/** Waits (bounded) until `check` holds. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe.skipIf(!postgresAvailable)('postgresStorage', () => {
  const scope = postgresScope();
  describeStorageContract('postgresStorage', async () => scope.open(await scope.freshSchema()), { second: (first) => scope.open(scope.schemaOf(first)) });

  describe('migrations', () => {
    const applied = async (schema: string): Promise<number[]> =>
      (await scope.admin().query<{ version: number }>(`SELECT version FROM "${schema}".yracer_migrations ORDER BY version`)).rows.map((row) => row.version);

    it('creates the schema and applies each migration once when two storages start at once, and again later', async () => {
      const schema = await scope.freshSchema({ create: false });
      const [one, two] = [scope.open(schema), scope.open(schema)];
      expect(await Promise.all([one.append(key('a'), [bytes(1)]), two.append(key('b'), [bytes(2)])])).toEqual([1, 1]);
      expect(await applied(schema)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.version));
      const three = scope.open(schema);
      expect(await three.heads([key('a'), key('b')])).toEqual([1, 1]);
      expect(await applied(schema)).toEqual([1]);
    });

    it('refuses a schema migrated by a newer yracer, naming the version', async () => {
      const schema = await scope.freshSchema();
      await scope.open(schema).heads([]);
      await scope.admin().query(`INSERT INTO "${schema}".yracer_migrations (version) VALUES (99)`);
      await expect(scope.open(schema).load(key('a'))).rejects.toThrow(/migration 99/);
    });
  });

  describe('values Postgres text cannot hold', () => {
    it('saves, loads back exactly and queries a JSON value holding U+0000 and unpaired surrogates', async () => {
      const storage = scope.open(await scope.freshSchema());
      const value = { s: 'a\u0000b', 'k\u0000': ['\u0000'], lone: '\ud800x', pair: '\u{1F600}', n: 1 };
      const json = JSON.stringify(value);
      await storage.saveJson(key('nul'), json);
      await storage.saveJson(key('plain'), JSON.stringify({ s: 'ab', n: 2 }));
      expect(await storage.loadJson(key('nul'))).toBe(json);
      expect((await storage.query('todos', { s: 'a\u0000b' })).json).toEqual([json]);
      expect((await storage.query('todos', { s: { $in: ['a\u0000b', 'zz'] } })).ids).toEqual(['nul']);
      expect((await storage.query('todos', { lone: '\ud800x' })).ids).toEqual(['nul']);
      expect((await storage.query('todos', { pair: '\u{1F600}' })).ids).toEqual(['nul']);
      expect((await storage.query('todos', { $sort: { s: -1 } })).ids).toEqual(['nul', 'plain']);
      // The documented difference: U+0000 is stored for queries as U+FFFD.
      expect((await storage.query('todos', { s: 'a\uFFFDb' })).ids).toEqual(['nul']);
    });

    it('stores numbers beyond the range of a double as JavaScript reads them, and keeps the text', async () => {
      const storage = scope.open(await scope.freshSchema());
      await storage.saveJson(key('huge'), '{"n":1e400,"m":-1e400,"z":1e-400}');
      expect(await storage.loadJson(key('huge'))).toBe('{"n":1e400,"m":-1e400,"z":1e-400}');
      expect((await storage.query('todos', { n: { $gt: 1e308 }, m: { $lt: -1e308 }, z: 0 })).ids).toEqual(['huge']);
    });

    it('rejects a name holding U+0000 or an unpaired surrogate, and JSON that is not JSON, alone', async () => {
      const storage = scope.open(await scope.freshSchema());
      const good = storage.append(key('a'), [bytes(1)]);
      await expect(storage.append(key('a\u0000'), [bytes(1)])).rejects.toBeInstanceOf(TypeError);
      await expect(storage.load({ collection: '\ud800', id: 'a' })).rejects.toBeInstanceOf(TypeError);
      await expect(storage.saveJson(key('a'), '{"a":')).rejects.toBeInstanceOf(SyntaxError);
      await expect(storage.query('to\u0000dos', {})).rejects.toBeInstanceOf(TypeError);
      expect(await good).toBe(1);
    });
  });

  describe('when Postgres fails', () => {
    it('rejects every call when no server answers, and closes', async () => {
      const storage = postgresStorage('postgres://postgres@127.0.0.1:1/test', { schema: 'nowhere' });
      await expect(storage.append(key('a'), [bytes(1)])).rejects.toThrow(/ECONNREFUSED/);
      await expect(storage.load(key('a'))).rejects.toThrow(/ECONNREFUSED/);
      await storage.close();
    });

    // A JSON value without a version makes the batch read its versions first; with one, the batch is written blind, in one round trip.
    it.each([
      ['read first', undefined],
      ['written blind', 0],
    ])('rejects every write of a batch (%s) whose connection is terminated, stores none of them, and writes again afterwards', async (_, jsonVersion) => {
      const schema = await scope.freshSchema();
      const name = `yracer_test_${process.pid}_${Date.now()}`;
      const storage = scope.open(schema, {}, { application_name: name });
      await storage.append(key('b'), [bytes(1)]);
      // Hold the row of "b", so the batch below waits inside its transaction after writing "a".
      const locker = await scope.admin().connect();
      try {
        await locker.query('BEGIN');
        await locker.query(`SELECT 1 FROM "${schema}".yracer_documents WHERE id = 'b' FOR UPDATE`);
        // Settled at once: the writes reject as soon as the backend ends, which may come before the termination query answers.
        const outcomes = Promise.allSettled([storage.append(key('a'), [bytes(2)]), storage.append(key('b'), [bytes(3)]), storage.saveJson(key('c'), '{}', jsonVersion)]);
        const waiting = async (): Promise<boolean> =>
          (await scope.admin().query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [name])).rowCount === 1;
        await until(waiting, 'the batch waits for the row lock');
        await scope.admin().query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
        const settled = await outcomes;
        expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      expect(await storage.heads([key('a'), key('b'), key('c')])).toEqual([0, 1, 0]);
      expect(await storage.loadJson(key('c'))).toBeNull();
      expect(await storage.append(key('b'), [bytes(4)])).toBe(2);
      expect(plain((await storage.load(key('b'))).updates)).toEqual([[1], [4]]);
    });
  });

  it('rejects a conflicting append alone, and commits the rest of its batch in order', async () => {
    const storage = scope.open(await scope.freshSchema());
    await storage.append(key('a'), [bytes(1)]);
    const batch = [
      storage.append(key('b'), [bytes(2)]),
      storage.append(key('a'), [bytes(3)], { expectVersion: 0 }),
      storage.append(key('a'), [bytes(4), bytes(5)], { expectVersion: 1 }),
      storage.append(key('a'), [bytes(6)], { expectVersion: 2 }),
      storage.append(key('a'), [], { expectVersion: 3 }),
      storage.saveJson(key('a'), '{"n":1}'),
    ];
    const settled = await Promise.allSettled(batch);
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : outcome.reason))).toEqual([
      1,
      new VersionConflictError(key('a'), 0, 1),
      3,
      new VersionConflictError(key('a'), 2, 3),
      3,
      undefined,
    ]);
    expect(plain((await storage.load(key('a'))).updates)).toEqual([[1], [4], [5]]);
    expect(await storage.staleJson()).toEqual([key('b')]);
  });

  it('releases its connections on close', async () => {
    const name = `yracer_test_${process.pid}_${Date.now()}`;
    const storage = scope.open(await scope.freshSchema(), { poolSize: 3 }, { application_name: name });
    await Promise.all([storage.load(key('a')), storage.load(key('b')), storage.append(key('a'), [bytes(1)])]);
    const connections = async (): Promise<number> => (await scope.admin().query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [name])).rowCount ?? 0;
    expect(await connections()).toBeGreaterThan(0);
    await storage.close();
    await until(async () => (await connections()) === 0, 'the connections are closed');
    await expect(storage.load(key('a'))).rejects.toThrow(/closed/);
  });
});
