import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import { sqliteStorage } from '../../src/storage/sqlite-storage.ts';
import type { Storage, StorageKey } from '../../src/storage/storage.ts';
import { tempDir } from '../helpers/client-fixtures.ts';

const todo: StorageKey = { collection: 'todos', id: 'a' };
const other: StorageKey = { collection: 'todos', id: 'b' };
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
/** Plain arrays, so Buffers and Uint8Arrays compare equal. */
const plain = (list: readonly Uint8Array[]): number[][] => list.map((u) => [...u]);

const temp = tempDir('yracer-contract-');
afterAll(() => temp.remove());
let files = 0;

const adapters: Array<[string, () => Storage]> = [
  ['memoryStorage()', () => memoryStorage()],
  ['sqliteStorage(file)', () => sqliteStorage(join(temp.dir, `contract-${++files}.db`))],
  ["sqliteStorage(':memory:')", () => sqliteStorage(':memory:')],
];

describe.each(adapters)('Storage contract: %s', (_name, make) => {
  let storage: Storage;
  let closed = false;

  beforeEach(() => {
    storage = make();
    closed = false;
  });
  afterEach(async () => {
    if (!closed) await storage.close();
  });

  it('loads a document never stored as no state, no updates and seq 0', async () => {
    expect(await storage.load(todo)).toEqual({ state: null, updates: [], seq: 0 });
    expect(await storage.loadJson(todo)).toBeNull();
  });

  it('returns appended updates in order with strictly increasing sequence numbers', async () => {
    const seqs = [];
    for (let i = 1; i <= 5; i++) seqs.push(await storage.append(todo, bytes(i, i)));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
    expect(seqs[0]).toBeGreaterThan(0);
    const loaded = await storage.load(todo);
    expect(loaded.state).toBeNull();
    expect(plain(loaded.updates)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
    expect(loaded.seq).toBe(seqs[4]);
  });

  it('keeps the order of appends made at once without awaiting each', async () => {
    const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => storage.append(todo, bytes(i))));
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(20);
    expect(plain((await storage.load(todo)).updates)).toEqual(Array.from({ length: 20 }, (_, i) => [i]));
  });

  it('keeps the updates of each document apart', async () => {
    await storage.append(todo, bytes(1));
    await storage.append(other, bytes(2));
    await storage.append(todo, bytes(3));
    expect(plain((await storage.load(todo)).updates)).toEqual([[1], [3]]);
    expect(plain((await storage.load(other)).updates)).toEqual([[2]]);
    expect(await storage.load({ collection: 'notes', id: 'a' })).toEqual({ state: null, updates: [], seq: 0 });
  });

  it('replaces the state and drops the updates up to throughSeq when compacting, keeping later ones', async () => {
    const s1 = await storage.append(todo, bytes(1));
    const s2 = await storage.append(todo, bytes(2));
    const s3 = await storage.append(todo, bytes(3));
    const kept = await storage.append(other, bytes(9));
    await storage.compact(todo, bytes(7, 7), s2);
    const loaded = await storage.load(todo);
    expect([...(loaded.state ?? [])]).toEqual([7, 7]);
    expect(plain(loaded.updates)).toEqual([[3]]);
    expect(loaded.seq).toBe(s3);
    expect(s1).toBeLessThan(s2);
    expect(await storage.load(other)).toMatchObject({ state: null, seq: kept });

    await storage.compact(todo, bytes(8), s3);
    const again = await storage.load(todo);
    expect([...(again.state ?? [])]).toEqual([8]);
    expect(again.updates).toHaveLength(0);
  });

  it('numbers appends after a compaction above every earlier number', async () => {
    const first = await storage.append(todo, bytes(1));
    const last = await storage.append(todo, bytes(2));
    await storage.compact(todo, bytes(5), last);
    const next = await storage.append(todo, bytes(3));
    expect(next).toBeGreaterThan(last);
    expect(next).toBeGreaterThan(first);
    // A compaction through the old number must not drop the new update.
    await storage.compact(todo, bytes(6), last);
    expect(plain((await storage.load(todo)).updates)).toEqual([[3]]);
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
    const seq = await storage.append(todo, bytes(1));
    await storage.compact(todo, bytes(4), seq);
    expect(await storage.loadJson(todo)).toBe('{"n":1}');
    await storage.saveJson(todo, '{"n":2}');
    expect([...((await storage.load(todo)).state ?? [])]).toEqual([4]);
  });

  it('lists a document as stale while its JSON is as of an update older than its last one', async () => {
    expect(await storage.staleJson()).toEqual([]);
    const s1 = await storage.append(todo, bytes(1));
    const s2 = await storage.append(todo, bytes(2));
    expect(await storage.staleJson()).toEqual([todo]);
    await storage.saveJson(todo, '{"n":1}', s1);
    expect(await storage.staleJson()).toEqual([todo]);
    await storage.saveJson(todo, '{"n":2}', s2);
    expect(await storage.staleJson()).toEqual([]);
    // A compaction keeps what the JSON is behind of.
    const s3 = await storage.append(todo, bytes(3));
    await storage.compact(todo, bytes(9), s3);
    expect(await storage.staleJson()).toEqual([todo]);
    expect((await storage.load(todo)).seq).toBe(s3);
    await storage.saveJson(todo, '{"n":3}', s3);
    expect(await storage.staleJson()).toEqual([]);
  });

  it('ignores a JSON value as of an older update than the stored one', async () => {
    const s1 = await storage.append(todo, bytes(1));
    const s2 = await storage.append(todo, bytes(2));
    await storage.saveJson(todo, '{"n":2}', s2);
    await storage.saveJson(todo, '{"n":1}', s1);
    expect(await storage.loadJson(todo)).toBe('{"n":2}');
    expect(await storage.staleJson()).toEqual([]);
  });

  it('takes a JSON value saved without a sequence number as current', async () => {
    await storage.append(todo, bytes(1));
    await storage.saveJson(todo, '{"n":1}');
    expect(await storage.staleJson()).toEqual([]);
    expect(await storage.loadJson(todo)).toBe('{"n":1}');
  });

  it('gives the last appended number as seq after a compaction dropped every update', async () => {
    await storage.append(todo, bytes(1));
    const last = await storage.append(todo, bytes(2));
    await storage.compact(todo, bytes(5), last);
    expect(await storage.load(todo)).toMatchObject({ updates: [], seq: last });
  });

  it('copies appended bytes: changing the input after append() changes nothing stored', async () => {
    const update = bytes(1, 2, 3);
    const stored = storage.append(todo, update);
    update[0] = 99;
    await stored;
    update[1] = 98;
    expect(plain((await storage.load(todo)).updates)).toEqual([[1, 2, 3]]);
  });

  it('copies compacted state and loaded bytes', async () => {
    const seq = await storage.append(todo, bytes(1));
    const state = bytes(5, 6);
    const compacted = storage.compact(todo, state, seq);
    state[0] = 99;
    await compacted;
    const loaded = await storage.load(todo);
    expect([...(loaded.state ?? [])]).toEqual([5, 6]);
    (loaded.state as Uint8Array)[0] = 42;
    await storage.append(todo, bytes(2));
    const first = (await storage.load(todo)).updates[0] as Uint8Array;
    first[0] = 42;
    const reloaded = await storage.load(todo);
    expect([...(reloaded.state ?? [])]).toEqual([5, 6]);
    expect(plain(reloaded.updates)).toEqual([[2]]);
  });

  it('rejects every call after close()', async () => {
    await storage.append(todo, bytes(1));
    await storage.close();
    closed = true;
    await expect(storage.load(todo)).rejects.toThrow();
    await expect(storage.append(todo, bytes(2))).rejects.toThrow();
    await expect(storage.compact(todo, bytes(3), 1)).rejects.toThrow();
    await expect(storage.saveJson(todo, '{}')).rejects.toThrow();
    await expect(storage.loadJson(todo)).rejects.toThrow();
    await expect(storage.staleJson()).rejects.toThrow();
  });
});
