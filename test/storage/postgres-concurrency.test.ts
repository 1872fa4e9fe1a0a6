import { describe, expect, it } from 'vitest';
import { VersionConflictError, type Storage } from '../../src/storage/storage.ts';
import type { StorageKey } from '../../src/storage/storage-key.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { Random } from '../helpers/random.ts';

const todo: StorageKey = { collection: 'todos', id: 'a' };

/** An update naming itself: its number as 4 bytes. A "state" is the updates it covers, concatenated, in version order. */
const update = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
const numbers = (data: Uint8Array | null): number[] => (data ? [...new Uint32Array(data.slice().buffer)] : []);
const merged = (state: Uint8Array | null, updates: readonly Uint8Array[]): number[] => [...numbers(state), ...updates.flatMap((u) => numbers(u))];

describe.skipIf(!postgresAvailable)('postgresStorage with several pools (processes) on one database', () => {
  const scope = postgresScope();
  /** Three storages, each with its own pool, on one fresh schema. */
  const pools = async (): Promise<Storage[]> => {
    const schema = await scope.freshSchema();
    return [scope.open(schema), scope.open(schema), scope.open(schema)];
  };

  it('gives appends racing from three pools to three documents distinct consecutive versions, losing none', async () => {
    const handles = await pools();
    const keys = ['a', 'b', 'c'].map((id): StorageKey => ({ collection: 'todos', id }));
    const random = new Random(1);
    let next = 0;
    /** Per document: which update got which version. */
    const byVersion = keys.map(() => new Map<number, number>());
    for (let burst = 0; burst < 10; burst++) {
      // Each pool's batch holds appends to several documents, in random order: the pools must not deadlock.
      const appends = Array.from({ length: 30 }, () => {
        const batch = Array.from({ length: 1 + random.int(3) }, () => (next += 1));
        const doc = random.int(keys.length);
        return (random.pick(handles) as Storage).append(keys[doc] as StorageKey, batch.map(update)).then((last) => {
          batch.forEach((n, i) => byVersion[doc]?.set(last - batch.length + 1 + i, n));
        });
      });
      await Promise.all(appends);
    }
    for (const [doc, versions] of byVersion.entries()) {
      expect([...versions.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: versions.size }, (_, i) => i + 1));
      const loaded = await (handles[2] as Storage).load(keys[doc] as StorageKey);
      expect(loaded.version).toBe(versions.size);
      expect(merged(loaded.state, loaded.updates)).toEqual(Array.from({ length: versions.size }, (_, i) => versions.get(i + 1)));
    }
    expect(byVersion.reduce((sum, versions) => sum + versions.size, 0)).toBe(next);
  });

  it('lets exactly one of three pools expecting the same version append, and tells the others the version', async () => {
    const handles = await pools();
    for (let round = 0; round < 20; round++) {
      const [head] = await (handles[round % 3] as Storage).heads([todo]);
      const outcomes = await Promise.allSettled(handles.map((handle, i) => handle.append(todo, [update(round * 3 + i), update(999)], { expectVersion: head as number })));
      const won = outcomes.filter((outcome): outcome is PromiseFulfilledResult<number> => outcome.status === 'fulfilled');
      expect(won.map((outcome) => outcome.value)).toEqual([(head as number) + 2]);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(VersionConflictError);
          expect(outcome.reason).toMatchObject({ expected: head, actual: (head as number) + 2 });
        }
      }
    }
    expect((await (handles[0] as Storage).load(todo)).updates).toHaveLength(40);
  });

  it('loses no update over 200 random rounds of appends, compactions and reads racing from three pools', async () => {
    const handles = await pools();
    const random = new Random(200);
    let next = 0;
    const byVersion = new Map<number, number>();
    /** Every update appended so far, in version order. */
    const appended = (): number[] => Array.from({ length: byVersion.size }, (_, i) => byVersion.get(i + 1) as number);
    /** What each pool loaded last: it compacts with it again now and then, as a lagging process would. */
    const lastLoaded = new Map<Storage, { state: Uint8Array; version: number }>();
    const operation = async (handle: Storage): Promise<void> => {
      const roll = random.next();
      if (roll < 0.45) {
        const batch = Array.from({ length: 1 + random.int(3) }, () => (next += 1));
        const last = await handle.append(todo, batch.map(update));
        batch.forEach((n, i) => byVersion.set(last - batch.length + 1 + i, n));
      } else if (roll < 0.9) {
        // Compact what this pool loaded (now, or in an earlier round), while the others append or compact too.
        const stale = lastLoaded.get(handle);
        if (stale && random.chance(0.3)) return handle.compact(todo, stale.state, stale.version);
        const known = await handle.load(todo);
        const state = new Uint8Array(merged(known.state, known.updates).flatMap((n) => [...update(n)]));
        lastLoaded.set(handle, { state, version: known.version });
        await handle.compact(todo, state, known.version);
      } else {
        await handle.readSince(todo, random.int(next + 1));
      }
    };
    for (let round = 0; round < 200; round++) {
      const work = handles.flatMap((handle) => [operation(handle), operation(handle)]);
      await Promise.all(work);
      // After each round: every handle sees every update exactly once, in version order, and so does a reader at any version.
      const all = appended();
      const handle = random.pick(handles);
      const loaded = await handle.load(todo);
      expect([round, loaded.version, merged(loaded.state, loaded.updates)]).toEqual([round, all.length, all]);
      const since = random.int(all.length + 1);
      const read = await handle.readSince(todo, since);
      const seen = read.state === null ? [...all.slice(0, since), ...merged(null, read.updates)] : merged(read.state, read.updates);
      expect([round, since, seen]).toEqual([round, since, all]);
    }
    expect(next).toBeGreaterThan(200);
  });
});
