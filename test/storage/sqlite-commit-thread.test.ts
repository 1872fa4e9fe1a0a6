import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StorageKey } from '../../src/storage/storage-key.ts';
import { sqliteScope } from '../helpers/sqlite-fixtures.ts';

const todo: StorageKey = { collection: 'todos', id: 'a' };
const { newFile, open, inspect } = sqliteScope('yracer-commit-thread-');
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const count = (db: Database.Database): number => (db.prepare('SELECT count(*) AS n FROM yracer_log').get() as { n: number }).n;

describe('threadCommitter', () => {
  it('commits in another thread: while the database is locked elsewhere the event loop keeps running, and the append resolves once the lock is gone', async () => {
    const file = newFile();
    const storage = open(file); // durability 'disk': commits in the commit thread
    await storage.append(todo, [new Uint8Array([1])]);
    const other = inspect(file);
    other.exec('BEGIN IMMEDIATE'); // holds the write lock
    let resolved = false;
    const appended = storage.append(todo, [new Uint8Array([2])]).then((version) => {
      resolved = true;
      return version;
    });
    // Committing on the event loop would block it here in SQLite's busy wait (and fail after 5 s);
    // in the commit thread, turns keep coming and the commit waits for the lock.
    for (let i = 0; i < 20; i++) await turn();
    expect(resolved).toBe(false);
    other.exec('COMMIT');
    expect(await appended).toBe(2);
    expect(count(other)).toBe(2);
  });

  it('does not resolve an append before its commit: a second connection sees every resolved append', async () => {
    const file = newFile();
    const storage = open(file);
    const other = inspect(file);
    const versions = await Promise.all(Array.from({ length: 50 }, (_, i) => storage.append({ collection: 'todos', id: `d${i % 5}` }, [new Uint8Array([i])])));
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => Math.floor(i / 5) + 1));
    expect(count(other)).toBe(50);
  });

  it('copies the buffers it is given: the caller may reuse them before the commit', async () => {
    const storage = open(newFile());
    const frame = new Uint8Array([1, 2, 3, 4]);
    const appended = storage.append(todo, [frame.subarray(1, 3)]);
    frame.fill(0);
    await appended;
    expect(frame).toEqual(new Uint8Array([0, 0, 0, 0])); // not taken away from the caller
    expect((await storage.load(todo)).updates.map((update) => [...update])).toEqual([[2, 3]]);
  });

  it('reports a failed commit to every write of its batch, and keeps committing afterwards', async () => {
    const file = newFile();
    const storage = open(file);
    await storage.append(todo, [new Uint8Array([1])]);
    inspect(file).exec(`CREATE TRIGGER refuse BEFORE INSERT ON yracer_log WHEN NEW.id = 'bad'
                        BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    const good = storage.append(todo, [new Uint8Array([2])]);
    const bad = storage.append({ collection: 'todos', id: 'bad' }, [new Uint8Array([3])]);
    await expect(good).rejects.toThrow(/refused by test/);
    await expect(bad).rejects.toMatchObject({ name: 'SqliteError', code: 'SQLITE_CONSTRAINT_TRIGGER' });
    expect(await storage.append(todo, [new Uint8Array([4])])).toBe(2);
  });

  it('opens several databases on the one thread, each committing its own writes', async () => {
    const files = [newFile(), newFile(), newFile()];
    const storages = files.map((file) => open(file));
    await Promise.all(storages.map((storage, i) => storage.append(todo, [new Uint8Array([i])])));
    files.forEach((file, i) => {
      const row = inspect(file).prepare('SELECT data FROM yracer_log').get() as { data: Buffer };
      expect([...row.data]).toEqual([i]);
    });
  });
});

describe("sqliteStorage's durability", () => {
  it('refuses an unknown durability with a TypeError naming the option', () => {
    expect(() => open(newFile(), { durability: 'fast' as 'disk' })).toThrow(/durability must be 'disk' or 'process'/);
  });
});
