/**
 * The Storage contract as one test suite, run against every adapter
 * (memory, SQLite, Postgres): per-document gapless versions, appends with
 * `expectVersion`, `readSince`, `heads`, forward-only compaction and JSON.
 * With `second`, it also opens another handle on the same data (as another
 * server process would) and checks what two writers may not break.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VersionConflictError, type Storage } from '../../src/storage/storage.ts';
import type { StorageKey } from '../../src/storage/storage-key.ts';
import { Random } from './random.ts';

/** Options of `describeStorageContract`. */
export interface StorageContractOptions {
  /** Opens another handle on the data of `first` (another process's connection). */
  readonly second?: (first: Storage) => Storage | Promise<Storage>;
}

const todo: StorageKey = { collection: 'todos', id: 'a' };
const other: StorageKey = { collection: 'todos', id: 'b' };
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
/** Plain arrays, so Buffers and Uint8Arrays compare equal. */
const plain = (list: readonly Uint8Array[]): number[][] => list.map((u) => [...u]);
const state = (value: Uint8Array | null): number[] | null => value && [...value];

/** Registers the contract suite for one adapter. */
export function describeStorageContract(name: string, make: () => Storage | Promise<Storage>, options: StorageContractOptions = {}): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    const opened: Storage[] = [];

    beforeEach(async () => {
      storage = await make();
      opened.push(storage);
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
    });

    it('loads a document never stored as no state, no updates and version 0', async () => {
      expect(await storage.load(todo)).toEqual({ state: null, updates: [], version: 0 });
      expect(await storage.loadJson(todo)).toBeNull();
      expect(await storage.heads([todo])).toEqual([0]);
    });

    it('numbers the updates of each document 1, 2, 3 and returns them in order', async () => {
      for (let i = 1; i <= 5; i++) expect(await storage.append(todo, [bytes(i, i)])).toBe(i);
      expect(await storage.append(other, [bytes(9)])).toBe(1);
      const loaded = await storage.load(todo);
      expect(loaded.state).toBeNull();
      expect(plain(loaded.updates)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
      expect(loaded.version).toBe(5);
      expect(plain((await storage.load(other)).updates)).toEqual([[9]]);
      expect(await storage.load({ collection: 'notes', id: 'a' })).toEqual({ state: null, updates: [], version: 0 });
    });

    it('keeps the order of appends made at once without awaiting each', async () => {
      const versions = await Promise.all(Array.from({ length: 20 }, (_, i) => storage.append(todo, [bytes(i)])));
      expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(plain((await storage.load(todo)).updates)).toEqual(Array.from({ length: 20 }, (_, i) => [i]));
    });

    it('appends several updates at consecutive versions and resolves to the last', async () => {
      await storage.append(todo, [bytes(1)]);
      expect(await storage.append(todo, [bytes(2), bytes(3), bytes(4)])).toBe(4);
      expect(plain((await storage.readSince(todo, 1)).updates)).toEqual([[2], [3], [4]]);
    });

    it('stores nothing for an empty list and resolves to the current version', async () => {
      expect(await storage.append(todo, [])).toBe(0);
      await storage.append(todo, [bytes(1)]);
      expect(await storage.append(todo, [])).toBe(1);
      const loaded = await storage.load(todo);
      expect(loaded.version).toBe(1);
      expect(plain(loaded.updates)).toEqual([[1]]);
    });

    it('appends with expectVersion when the document is at that version, and refuses otherwise storing nothing', async () => {
      expect(await storage.append(todo, [bytes(1)], { expectVersion: 0 })).toBe(1);
      expect(await storage.append(todo, [bytes(2)], { expectVersion: 1 })).toBe(2);
      const refused = storage.append(todo, [bytes(3), bytes(4)], { expectVersion: 1 });
      await expect(refused).rejects.toBeInstanceOf(VersionConflictError);
      await expect(refused).rejects.toMatchObject({ expected: 1, actual: 2 });
      expect(plain((await storage.load(todo)).updates)).toEqual([[1], [2]]);
      expect(await storage.append(todo, [bytes(5)])).toBe(3);
    });

    it('refuses the second of two appends expecting the same version in one turn, and keeps the others of the batch', async () => {
      const first = storage.append(todo, [bytes(1)], { expectVersion: 0 });
      const second = storage.append(todo, [bytes(2)], { expectVersion: 0 });
      const plainOne = storage.append(other, [bytes(3)]);
      expect(await first).toBe(1);
      await expect(second).rejects.toBeInstanceOf(VersionConflictError);
      expect(await plainOne).toBe(1);
      expect(plain((await storage.load(todo)).updates)).toEqual([[1]]);
    });

    it('reads the updates after a version, and the state with every later update once a compaction dropped some', async () => {
      for (let i = 1; i <= 5; i++) await storage.append(todo, [bytes(i)]);
      expect(await storage.readSince(todo, 0)).toMatchObject({ state: null, version: 5 });
      expect(plain((await storage.readSince(todo, 3)).updates)).toEqual([[4], [5]]);
      expect(plain((await storage.readSince(todo, 5)).updates)).toEqual([]);
      await storage.compact(todo, bytes(7, 7), 3);
      const after = await storage.readSince(todo, 3);
      expect(after.state).toBeNull();
      expect(plain(after.updates)).toEqual([[4], [5]]);
      const before = await storage.readSince(todo, 1);
      expect(state(before.state)).toEqual([7, 7]);
      expect(plain(before.updates)).toEqual([[4], [5]]);
      expect(before.version).toBe(5);
      expect(await storage.readSince(other, 0)).toEqual({ state: null, updates: [], version: 0 });
    });

    it('gives the versions of many documents in the order asked, 0 for those never stored', async () => {
      await storage.append(todo, [bytes(1), bytes(2)]);
      await storage.append(other, [bytes(3)]);
      expect(await storage.heads([other, { collection: 'x', id: 'y' }, todo])).toEqual([1, 0, 2]);
      expect(await storage.heads([])).toEqual([]);
    });

    it('counts the documents with stored updates, not those only loaded or given JSON', async () => {
      const count = storage.countDocuments?.bind(storage);
      if (!count) throw new Error('every bundled storage counts its documents');
      expect(await count()).toBe(0);
      await storage.load({ collection: 'x', id: 'loaded' });
      await storage.append(todo, [bytes(1), bytes(2)]);
      await storage.append(other, [bytes(3)]);
      await storage.compact(todo, bytes(9), 2);
      expect(await count()).toBe(2);
    });

    it('replaces the state and drops the updates through the version when compacting, keeping later ones', async () => {
      for (let i = 1; i <= 3; i++) await storage.append(todo, [bytes(i)]);
      await storage.append(other, [bytes(9)]);
      await storage.compact(todo, bytes(7, 7), 2);
      const loaded = await storage.load(todo);
      expect(state(loaded.state)).toEqual([7, 7]);
      expect(plain(loaded.updates)).toEqual([[3]]);
      expect(loaded.version).toBe(3);
      expect(await storage.load(other)).toMatchObject({ state: null, version: 1 });
      await storage.compact(todo, bytes(8), 3);
      expect(await storage.load(todo)).toMatchObject({ updates: [], version: 3 });
      expect(state((await storage.load(todo)).state)).toEqual([8]);
      expect(await storage.append(todo, [bytes(4)])).toBe(4);
    });

    it('ignores a compaction through a version not above the last one, which never replaces a newer state', async () => {
      for (let i = 1; i <= 4; i++) await storage.append(todo, [bytes(i)]);
      await storage.compact(todo, bytes(44), 4);
      await storage.compact(todo, bytes(22), 2);
      await storage.compact(todo, bytes(40), 4);
      expect(state((await storage.load(todo)).state)).toEqual([44]);
      await expect(storage.compact(todo, bytes(5), 5)).rejects.toBeInstanceOf(RangeError);
      expect(state((await storage.load(todo)).state)).toEqual([44]);
    });

    it('stores and reads back the JSON value, and null', async () => {
      await storage.saveJson(todo, '{"title":"x"}');
      expect(await storage.loadJson(todo)).toBe('{"title":"x"}');
      expect(await storage.loadJson(other)).toBeNull();
      await storage.saveJson(todo, '{"title":"y"}');
      expect(await storage.loadJson(todo)).toBe('{"title":"y"}');
      await storage.saveJson(todo, null);
      expect(await storage.loadJson(todo)).toBeNull();
    });

    it('keeps the JSON value and the Yjs state independent of each other', async () => {
      await storage.saveJson(todo, '{"n":1}');
      const version = await storage.append(todo, [bytes(1)]);
      await storage.compact(todo, bytes(4), version);
      expect(await storage.loadJson(todo)).toBe('{"n":1}');
      await storage.saveJson(todo, '{"n":2}');
      expect(state((await storage.load(todo)).state)).toEqual([4]);
    });

    it('lists a document as stale while its JSON is as of a version older than its last one', async () => {
      expect(await storage.staleJson()).toEqual([]);
      await storage.append(todo, [bytes(1), bytes(2)]);
      expect(await storage.staleJson()).toEqual([todo]);
      await storage.saveJson(todo, '{"n":1}', 1);
      expect(await storage.staleJson()).toEqual([todo]);
      await storage.saveJson(todo, '{"n":2}', 2);
      expect(await storage.staleJson()).toEqual([]);
      await storage.append(todo, [bytes(3)]);
      await storage.compact(todo, bytes(9), 3);
      expect(await storage.staleJson()).toEqual([todo]);
      expect((await storage.load(todo)).version).toBe(3);
      await storage.saveJson(todo, '{"n":3}', 3);
      expect(await storage.staleJson()).toEqual([]);
    });

    it('ignores a JSON value as of an older version than the stored one', async () => {
      await storage.append(todo, [bytes(1), bytes(2)]);
      await storage.saveJson(todo, '{"n":2}', 2);
      await storage.saveJson(todo, '{"n":1}', 1);
      expect(await storage.loadJson(todo)).toBe('{"n":2}');
      expect(await storage.staleJson()).toEqual([]);
    });

    it('takes a JSON value saved without a version as current', async () => {
      await storage.append(todo, [bytes(1)]);
      await storage.saveJson(todo, '{"n":1}');
      expect(await storage.staleJson()).toEqual([]);
      expect(await storage.loadJson(todo)).toBe('{"n":1}');
    });

    it('copies appended bytes: changing the input after append() changes nothing stored', async () => {
      const update = bytes(1, 2, 3);
      const stored = storage.append(todo, [update]);
      update[0] = 99;
      await stored;
      update[1] = 98;
      expect(plain((await storage.load(todo)).updates)).toEqual([[1, 2, 3]]);
    });

    it('copies compacted state and loaded bytes', async () => {
      const version = await storage.append(todo, [bytes(1)]);
      const compactedState = bytes(5, 6);
      const compacted = storage.compact(todo, compactedState, version);
      compactedState[0] = 99;
      await compacted;
      const loaded = await storage.load(todo);
      (loaded.state as Uint8Array)[0] = 42;
      await storage.append(todo, [bytes(2)]);
      const first = (await storage.load(todo)).updates[0] as Uint8Array;
      first[0] = 42;
      const reloaded = await storage.load(todo);
      expect(state(reloaded.state)).toEqual([5, 6]);
      expect(plain(reloaded.updates)).toEqual([[2]]);
    });

    it('rejects every call after close()', async () => {
      await storage.append(todo, [bytes(1)]);
      await storage.close();
      await expect(storage.load(todo)).rejects.toThrow();
      await expect(storage.append(todo, [bytes(2)])).rejects.toThrow();
      await expect(storage.readSince(todo, 0)).rejects.toThrow();
      await expect(storage.heads([todo])).rejects.toThrow();
      await expect(storage.compact(todo, bytes(3), 1)).rejects.toThrow();
      await expect(storage.saveJson(todo, '{}')).rejects.toThrow();
      await expect(storage.loadJson(todo)).rejects.toThrow();
      await expect(storage.staleJson()).rejects.toThrow();
    });

    const openSecond = options.second;
    describe.skipIf(!openSecond)('with two handles on the same data (two processes)', () => {
      const second = async (): Promise<Storage> => {
        const handle = await (openSecond as NonNullable<typeof openSecond>)(storage);
        opened.push(handle);
        return handle;
      };

      it('numbers appends from both handles without a gap or a repeat', async () => {
        const two = await second();
        const versions = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? storage : two).append(todo, [bytes(i)])),
        );
        expect([...versions].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        const loaded = await two.load(todo);
        expect(loaded.version).toBe(40);
        expect(plain(loaded.updates).map(([n]) => n).sort((x, y) => (x as number) - (y as number))).toEqual(Array.from({ length: 40 }, (_, i) => i));
      });

      it('refuses an append expecting a version the other handle moved past', async () => {
        const two = await second();
        await storage.append(todo, [bytes(1)]);
        await two.append(todo, [bytes(2)], { expectVersion: 1 });
        await expect(storage.append(todo, [bytes(3)], { expectVersion: 1 })).rejects.toMatchObject({ expected: 1, actual: 2 });
        expect(await storage.heads([todo])).toEqual([2]);
      });

      it('loses no update when both handles append and compact the same document in random order', async () => {
        const two = await second();
        const random = new Random(16);
        const handles = [storage, two];
        // Each handle's "state" is the list of every version it knows, as bytes: a compaction must cover them all.
        for (let round = 0; round < 60; round++) {
          const handle = handles[random.int(2)] as Storage;
          if (random.chance(0.6)) {
            await handle.append(todo, [bytes(round)]);
          } else {
            const known = await handle.load(todo);
            const merged = [...(known.state ?? []), ...known.updates.flatMap((u) => [...u])];
            await Promise.all([handle.compact(todo, new Uint8Array(merged), known.version), handles[1 - handles.indexOf(handle)]?.append(todo, [bytes(100 + round)])]);
          }
        }
        const final = await storage.load(todo);
        const seen = new Set([...(final.state ?? []), ...final.updates.flatMap((u) => [...u])]);
        const expected = (await two.load(todo)).version;
        expect(final.version).toBe(expected);
        // Every appended byte value is in the state or the log.
        const appended = await Promise.all([storage, two].map((h) => h.heads([todo])));
        expect(appended[0]).toEqual(appended[1]);
        expect(seen.size).toBe(final.version);
      });
    });
  });
}
