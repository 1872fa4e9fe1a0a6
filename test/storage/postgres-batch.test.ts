/**
 * The group commit of postgresStorage on batches that mix every kind of
 * write: appends with and without `expectVersion` (some refused), empty
 * appends, and JSON values with and without a version, to the same and to
 * different documents, both when the batch is written blind (one round
 * trip) and when it reads its versions first. Checked by hand, against
 * memoryStorage applying the same calls one by one, and across three pools.
 */
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import { VersionConflictError, type Storage } from '../../src/storage/storage.ts';
import type { StorageKey } from '../../src/storage/storage-key.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { Random } from '../helpers/random.ts';

const key = (id: string): StorageKey => ({ collection: 'todos', id });
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const plain = (list: readonly Uint8Array[]): number[][] => list.map((u) => [...u]);

/** What became of each write: its version, `undefined` for a JSON value, or the conflict. */
async function outcomes(writes: ReadonlyArray<Promise<number | void>>): Promise<unknown[]> {
  const settled = await Promise.allSettled(writes);
  return settled.map((outcome) => {
    if (outcome.status === 'fulfilled') return outcome.value;
    const reason: unknown = outcome.reason;
    return reason instanceof VersionConflictError ? { conflict: [reason.expected, reason.actual] } : reason;
  });
}

describe.skipIf(!postgresAvailable)('postgresStorage group commit of mixed batches', () => {
  const scope = postgresScope();

  it('reads the versions first when it must: refuses conflicts alone, keeps the order, and takes a JSON value without a version as of its place', async () => {
    const storage = scope.open(await scope.freshSchema());
    await storage.append(key('a'), [bytes(1), bytes(2)]);
    await storage.saveJson(key('a'), '{"at":1}', 1);
    await storage.append(key('c'), [bytes(30)]);
    const batch = [
      storage.append(key('a'), [bytes(3)], { expectVersion: 2 }),
      storage.saveJson(key('b'), '{"at":0}'),
      storage.saveJson(key('a'), '{"at":3}'),
      storage.append(key('a'), [bytes(98), bytes(99)], { expectVersion: 2 }),
      storage.append(key('b'), [bytes(10)], { expectVersion: 0 }),
      storage.append(key('c'), [bytes(31), bytes(32)]),
      storage.append(key('a'), [bytes(4)]),
      storage.saveJson(key('a'), '{"at":2}', 2),
      storage.append(key('b'), [bytes(97)], { expectVersion: 0 }),
      storage.append(key('a'), [], { expectVersion: 4 }),
      storage.append(key('b'), [bytes(11)], { expectVersion: 1 }),
      storage.append(key('d'), [bytes(96)], { expectVersion: 3 }),
      storage.append(key('d'), []),
    ];
    expect(await outcomes(batch)).toEqual([3, undefined, undefined, { conflict: [2, 3] }, 1, 3, 4, undefined, { conflict: [0, 1] }, 4, 2, { conflict: [3, 0] }, 0]);
    expect(plain((await storage.load(key('a'))).updates)).toEqual([[1], [2], [3], [4]]);
    expect(plain((await storage.load(key('b'))).updates)).toEqual([[10], [11]]);
    expect(plain((await storage.load(key('c'))).updates)).toEqual([[30], [31], [32]]);
    expect(await storage.load(key('d'))).toEqual({ state: null, updates: [], version: 0 });
    expect(await storage.heads([key('a'), key('b'), key('c'), key('d')])).toEqual([4, 2, 3, 0]);
    // a: '{"at":3}' as of 3 (the value as of 2 came later, but is older); b: as of 0, behind its appends.
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((id) => storage.loadJson(key(id))))).toEqual(['{"at":3}', '{"at":0}', null, null]);
    expect(await storage.staleJson()).toEqual([key('a'), key('b'), key('c')]);
  });

  it('writes blind when it can: every append at the next versions, and per document the JSON value as of the highest version, never an older one than stored', async () => {
    const storage = scope.open(await scope.freshSchema());
    await storage.append(key('a'), [bytes(1)]);
    await storage.saveJson(key('a'), '{"at":5}', 5);
    await storage.append(key('b'), [bytes(20)]);
    const batch = [
      storage.append(key('b'), [bytes(21)]),
      storage.saveJson(key('a'), '{"at":4}', 4),
      storage.append(key('a'), [bytes(2), bytes(3)]),
      storage.saveJson(key('b'), '{"at":3}', 3),
      storage.saveJson(key('b'), '{"at":2}', 2),
      storage.saveJson(key('c'), '{"first":0}', 0),
      storage.append(key('b'), [bytes(22)]),
      storage.saveJson(key('c'), '{"second":0}', 0),
      storage.append(key('e'), [bytes(50)]),
    ];
    expect(await outcomes(batch)).toEqual([2, undefined, 3, undefined, undefined, undefined, 3, undefined, 1]);
    expect(plain((await storage.load(key('a'))).updates)).toEqual([[1], [2], [3]]);
    expect(plain((await storage.load(key('b'))).updates)).toEqual([[20], [21], [22]]);
    expect(await Promise.all(['a', 'b', 'c', 'e'].map((id) => storage.loadJson(key(id))))).toEqual(['{"at":5}', '{"at":3}', '{"second":0}', null]);
    expect(await storage.heads([key('a'), key('b'), key('c'), key('e')])).toEqual([3, 3, 0, 1]);
    expect(await storage.staleJson()).toEqual([key('e')]);
  });

  it('agrees with memoryStorage applying the same calls one by one, over 150 random batches', async () => {
    const storage = scope.open(await scope.freshSchema());
    const model = memoryStorage();
    const random = new Random(7);
    const keys = ['a', 'b', 'c', 'd'].map(key);
    let next = 0;
    for (let round = 0; round < 150; round++) {
      const heads = await model.heads(keys);
      // Half the batches can be written blind: plain appends and JSON values with a version.
      const blind = random.chance(0.5);
      const calls: Array<(target: Storage) => Promise<number | void>> = Array.from({ length: 1 + random.int(random.chance(0.2) ? 60 : 12) }, () => {
        const doc = random.int(keys.length);
        const target = keys[doc] as StorageKey;
        const guess = Math.max(0, (heads[doc] as number) + random.int(5) - 1);
        const roll = random.next();
        if (roll < 0.45) {
          const updates = Array.from({ length: blind ? 1 + random.int(3) : random.int(4) }, () => bytes(++next % 256, next >> 8));
          const expectVersion = !blind && random.chance(0.5) ? guess : undefined;
          return (s) => s.append(target, updates, expectVersion === undefined ? {} : { expectVersion });
        }
        const json = random.chance(0.1) ? null : JSON.stringify({ n: ++next });
        const version = blind || random.chance(0.5) ? guess : undefined;
        return (s) => s.saveJson(target, json, version);
      });
      const [got, want] = await Promise.all([outcomes(calls.map((call) => call(storage))), outcomes(calls.map((call) => call(model)))]);
      expect([round, got]).toEqual([round, want]);
      const [stored, modelled] = await Promise.all([storage, model].map((s) => Promise.all(keys.map(async (k) => [plain((await s.load(k)).updates), await s.loadJson(k)]))));
      expect([round, stored]).toEqual([round, modelled]);
      // memoryStorage lists them in the order it met them.
      const stale = async (s: Storage): Promise<string[]> => (await s.staleJson()).map((k) => k.id).sort();
      expect([round, await stale(storage)]).toEqual([round, await stale(model)]);
    }
    expect(next).toBeGreaterThan(500);
  });

  it('never deadlocks three pools mixing blind and read-first batches over the same documents, and numbers every update once', async () => {
    const schema = await scope.freshSchema();
    const handles = [scope.open(schema), scope.open(schema), scope.open(schema)];
    const keys = ['a', 'b', 'c', 'd', 'e'].map(key);
    const random = new Random(3);
    let next = 0;
    const byVersion = keys.map(() => new Map<number, number>());
    for (let burst = 0; burst < 15; burst++) {
      const writes = Array.from({ length: 60 }, async () => {
        const handle = random.pick(handles);
        const doc = random.int(keys.length);
        const target = keys[doc] as StorageKey;
        // A JSON value without a version makes its pool's batch read the versions first.
        if (random.chance(0.25)) return handle.saveJson(target, '{}', random.chance(0.5) ? undefined : burst);
        const batch = Array.from({ length: 1 + random.int(2) }, () => (next += 1));
        const last = await handle.append(target, batch.map((n) => bytes(n % 256, n >> 8)));
        batch.forEach((n, i) => byVersion[doc]?.set(last - batch.length + 1 + i, n));
      });
      await Promise.all(writes);
    }
    for (const [doc, versions] of byVersion.entries()) {
      const loaded = await (handles[0] as Storage).load(keys[doc] as StorageKey);
      expect(loaded.version).toBe(versions.size);
      expect(plain(loaded.updates)).toEqual(Array.from({ length: versions.size }, (_, i) => ((n) => [n % 256, n >> 8])(versions.get(i + 1) as number)));
    }
    expect(byVersion.reduce((sum, versions) => sum + versions.size, 0)).toBe(next);
  });
});
