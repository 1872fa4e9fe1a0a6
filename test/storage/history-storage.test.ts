import { describe, expect, it } from 'vitest';
import type { HistoryStorage } from '../../src/storage/history-storage.ts';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import { sqliteHistory } from '../../src/storage/sqlite-history.ts';
import type { Storage } from '../../src/storage/storage.ts';
import type { StorageKey } from '../../src/storage/storage-key.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { sqliteScope } from '../helpers/sqlite-fixtures.ts';

const key: StorageKey = { collection: 'todos', id: 'a1' };
const other: StorageKey = { collection: 'todos', id: 'a2' };

const historyOf = (storage: Storage): HistoryStorage => {
  if (!storage.history) throw new Error('the storage keeps no history');
  return storage.history;
};

/** The checkpoint behaviour every adapter shares. */
function describeHistoryContract(name: string, open: () => Promise<Storage>, reopen?: (storage: Storage) => Promise<Storage>): void {
  describe(`${name} history`, () => {
    it('numbers checkpoints per document, lists them newest first and returns their JSON', async () => {
      const history = historyOf(await open());
      expect(await history.addCheckpoint(key, { version: 3, time: 1000, users: ['bob', 'ann'], json: '{"title":"one"}' }, 10)).toBe(1);
      expect(await history.addCheckpoint(other, { version: 1, time: 1500, users: [], json: '{}' }, 10)).toBe(1);
      expect(await history.addCheckpoint(key, { version: 7, time: 2000, users: [], json: null }, 10)).toBe(2);
      expect(await history.checkpoints(key)).toEqual([
        { checkpoint: 2, version: 7, time: 2000, users: [] },
        { checkpoint: 1, version: 3, time: 1000, users: ['ann', 'bob'] },
      ]);
      expect(await history.checkpointJson(key, 1)).toEqual({ json: '{"title":"one"}' });
      expect(await history.checkpointJson(key, 2)).toEqual({ json: null });
      expect(await history.checkpointJson(key, 3)).toBeNull();
      expect(await history.checkpoints({ collection: 'todos', id: 'none' })).toEqual([]);
    });

    it('keeps the newest `keep` checkpoints and never reuses a dropped number', async () => {
      const history = historyOf(await open());
      for (let version = 1; version <= 5; version++) await history.addCheckpoint(key, { version, time: version, users: [], json: `{"n":${version}}` }, 3);
      expect((await history.checkpoints(key)).map((entry) => entry.checkpoint)).toEqual([5, 4, 3]);
      expect(await history.checkpointJson(key, 2)).toBeNull();
      expect(await history.addCheckpoint(key, { version: 6, time: 6, users: [], json: '{}' }, 3)).toBe(6);
    });

    it('refuses a keep that is not a positive integer, storing nothing', async () => {
      const history = historyOf(await open());
      await expect(history.addCheckpoint(key, { version: 1, time: 1, users: [], json: '{}' }, 0)).rejects.toThrow(/keep must be a positive integer, got 0/);
      expect(await history.checkpoints(key)).toEqual([]);
    });

    it.skipIf(!reopen)('keeps checkpoints across a restart and a compaction', async () => {
      const storage = await open();
      await storage.append(key, [new Uint8Array([1])]);
      await historyOf(storage).addCheckpoint(key, { version: 1, time: 5, users: ['ann'], json: '{"a":1}' }, 10);
      await storage.compact(key, new Uint8Array([9]), 1);
      const again = await (reopen as (storage: Storage) => Promise<Storage>)(storage);
      expect(await historyOf(again).checkpoints(key)).toEqual([{ checkpoint: 1, version: 1, time: 5, users: ['ann'] }]);
      expect(await historyOf(again).checkpointJson(key, 1)).toEqual({ json: '{"a":1}' });
    });
  });
}

describeHistoryContract('memoryStorage', async () => memoryStorage());

describe('sqliteStorage', () => {
  const scope = sqliteScope('yracer-history-');
  const files = new WeakMap<Storage, string>();
  describeHistoryContract(
    'sqliteStorage',
    async () => {
      const file = scope.newFile();
      const storage = scope.open(file, { durability: 'process' });
      files.set(storage, file);
      return storage;
    },
    async (storage) => {
      await storage.close();
      return scope.open(files.get(storage) as string, { durability: 'process' });
    },
  );
});

describe('sqliteHistory', () => {
  const scope = sqliteScope('yracer-history-sync-');
  it('commits a checkpoint without a sync to disk and gives the connection its own setting back', async () => {
    const db = scope.inspect(scope.newFile());
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const history = sqliteHistory(db, async () => undefined);
    expect(await history.addCheckpoint(key, { version: 1, time: 1, users: [], json: '{}' }, 5)).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});

describe.skipIf(!postgresAvailable)('postgresStorage', () => {
  const scope = postgresScope();
  describeHistoryContract(
    'postgresStorage',
    async () => scope.open(await scope.freshSchema()),
    async (storage) => scope.open(scope.schemaOf(storage)),
  );

  it('creates the history table once when two storages of one schema start at once', async () => {
    const schema = await scope.freshSchema({ create: false });
    const [one, two] = [scope.open(schema), scope.open(schema)];
    const added = await Promise.all([historyOf(one).addCheckpoint(key, { version: 1, time: 1, users: [], json: '{}' }, 5), historyOf(two).addCheckpoint(key, { version: 2, time: 2, users: [], json: '{}' }, 5)]);
    expect([...added].sort()).toEqual([1, 2]);
  });
});
