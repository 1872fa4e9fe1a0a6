import { IDBDatabase, IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { indexedDbStore } from '../../src/client/indexeddb-store.ts';
import type { OfflineStore } from '../../src/client/offline-store.ts';

const opened: OfflineStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});

function open(factory: IDBFactory, options: { compactAt?: number } = {}): OfflineStore {
  const store = indexedDbStore({ name: 'test', indexedDB: factory, ...options });
  opened.push(store);
  return store;
}

/** Updates of one Y.Doc: each sets one key of map `data`. */
function edits(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getMap('data').set(`k${i}`, i);
  return { doc, updates };
}

function valueOf(update: Uint8Array | undefined): unknown {
  const doc = new Y.Doc();
  if (update) Y.applyUpdate(doc, update);
  return doc.getMap('data').toJSON();
}

describe('indexedDbStore', () => {
  it('loads a document as the merge of every update appended to it', async () => {
    const factory = new IDBFactory();
    const store = open(factory);
    const { doc, updates } = edits(3);
    for (const update of updates) store.append('todos/a', update);
    const loaded = await store.loadDocs(['todos/a', 'todos/missing']);
    expect(valueOf(loaded.get('todos/a'))).toEqual(doc.getMap('data').toJSON());
    expect(loaded.has('todos/missing')).toBe(false);
  });

  it('keeps what was stored when the database is opened again (a reload)', async () => {
    const factory = new IDBFactory();
    const first = open(factory);
    const { updates } = edits(2);
    for (const update of updates) first.append('todos/a', update);
    first.saveQuery('todos\n{}', { ids: ['a'], count: 1 });
    await first.close();
    const second = open(factory);
    expect(valueOf((await second.loadDocs(['todos/a'])).get('todos/a'))).toEqual({ k0: 0, k1: 1 });
    expect(await second.loadQuery('todos\n{}')).toEqual({ ids: ['a'], count: 1 });
    expect(await second.loadQuery('todos\n{"done":true}')).toBeNull();
  });

  it('compacts a document into one merged update when idle once it has compactAt records', async () => {
    const factory = new IDBFactory();
    const store = open(factory, { compactAt: 4 });
    const { doc, updates } = edits(10);
    const records = (): Promise<unknown[]> =>
      new Promise((resolve, reject) => {
        const req = factory.open('test');
        req.onsuccess = () => {
          const all = req.result.transaction('updates').objectStore('updates').getAll();
          all.onsuccess = () => {
            resolve(all.result);
            req.result.close();
          };
          all.onerror = () => reject(all.error);
        };
      });
    for (const update of updates.slice(0, 3)) {
      store.append('todos/a', update); // a batch each: a record each
      await store.flush();
    }
    for (const update of updates.slice(3)) store.append('todos/a', update); // one batch: one record of 7 updates, the 4th
    // Compaction waits for an idle moment (a timer in Node).
    await vi.waitFor(async () => expect(await records()).toEqual([{ doc: 'todos/a', update: expect.any(Uint8Array) }]));
    expect(valueOf((await store.loadDocs(['todos/a'])).get('todos/a'))).toEqual(doc.getMap('data').toJSON());
  });

  it('reads many documents in one range request and leaves out the ones not asked for', async () => {
    const factory = new IDBFactory();
    const store = indexedDbStore({ name: 'range', indexedDB: factory, IDBKeyRange });
    opened.push(store);
    const { updates } = edits(2);
    const names = Array.from({ length: 100 }, (_, i) => `items/i${String(i).padStart(3, '0')}`);
    for (const name of names) for (const update of updates) store.append(name, update);
    const wanted = names.filter((_, i) => i % 2 === 0);
    const loaded = await store.loadDocs(wanted);
    expect([...loaded.keys()].sort()).toEqual(wanted);
    for (const name of wanted) expect(valueOf(loaded.get(name))).toEqual({ k0: 0, k1: 1 });
  });

  it('forgets a document without touching the others', async () => {
    const store = open(new IDBFactory());
    const { updates } = edits(1);
    store.append('todos/a', updates[0] as Uint8Array);
    store.append('todos/b', updates[0] as Uint8Array);
    store.forget('todos/a');
    const loaded = await store.loadDocs(['todos/a', 'todos/b']);
    expect([...loaded.keys()]).toEqual(['todos/b']);
  });

  it('hands the pending updates of a closed client to the next one, once', async () => {
    const factory = new IDBFactory();
    const first = open(factory);
    const { updates } = edits(3);
    updates.forEach((update, i) => first.addPending('todos/a', i + 1, update));
    first.removePending('todos/a', [1]);
    await first.close();
    const second = open(factory);
    const adopted = await second.adoptPending();
    expect(adopted.map((p) => [p.doc, p.seq])).toEqual([
      ['todos/a', 2],
      ['todos/a', 3],
    ]);
    expect(adopted.every((p) => p.owner === first.owner)).toBe(true);
    expect(await second.adoptPending()).toEqual([]);
    second.addPending('todos/b', 1, updates[0] as Uint8Array);
    await second.flush();
    // No Web Locks in Node: a store takes over only when it opens, so a live one keeps its own.
    expect(await open(factory).adoptPending()).toHaveLength(1);
    expect(await second.adoptPending()).toEqual([]);
    const third = open(factory);
    expect(await third.adoptPending()).toEqual([]);
  });

  it('removes a run of pending updates in one range request, and scattered ones one by one', async () => {
    const factory = new IDBFactory();
    const store = indexedDbStore({ name: 'runs', indexedDB: factory, IDBKeyRange });
    opened.push(store);
    const { updates } = edits(1);
    const update = updates[0] as Uint8Array;
    for (let seq = 1; seq <= 8; seq++) {
      store.addPending('todos/a', seq, update); // a batch each: a record each
      await store.flush();
    }
    store.addPending('todos/b', 9, update);
    await store.flush();
    const deletes = vi.spyOn(IDBObjectStore.prototype, 'delete');
    try {
      store.removePending('todos/a', [1, 2, 3, 4]); // acknowledged: a run
      await store.flush();
      expect(deletes).toHaveBeenCalledTimes(1);
      store.removePending('todos/a', [5, 7]); // 6 stays: not a run
      await store.flush();
      expect(deletes).toHaveBeenCalledTimes(3);
    } finally {
      deletes.mockRestore();
    }
    await store.close();
    const other = indexedDbStore({ name: 'runs', indexedDB: factory });
    opened.push(other);
    expect((await other.adoptPending()).map((p) => [p.doc, p.seq])).toEqual([
      ['todos/a', 6],
      ['todos/a', 8],
      ['todos/b', 9],
    ]);
  });

  it('stores a batch\'s pending updates of a document as one record, and writes what is left of it after a removal', async () => {
    const factory = new IDBFactory();
    const store = indexedDbStore({ name: 'groups', indexedDB: factory, IDBKeyRange });
    opened.push(store);
    const { updates } = edits(6);
    const puts = vi.spyOn(IDBObjectStore.prototype, 'put');
    try {
      updates.forEach((update, i) => store.addPending('todos/a', i + 1, update));
      store.removePending('todos/a', [1]); // before the batch: never written
      await store.flush();
      expect(puts).toHaveBeenCalledTimes(1);
      store.removePending('todos/a', [2, 4]); // acknowledged or refused: not resent after a reload
      await store.flush();
      expect(puts).toHaveBeenCalledTimes(2);
    } finally {
      puts.mockRestore();
    }
    await store.close();
    const next = indexedDbStore({ name: 'groups', indexedDB: factory });
    opened.push(next);
    const adopted = await next.adoptPending();
    expect(adopted.map((p) => p.seq)).toEqual([3, 5, 6]);
    expect(adopted.map((p) => p.update)).toEqual([updates[2], updates[4], updates[5]]);
    const third = indexedDbStore({ name: 'groups', indexedDB: factory });
    opened.push(third);
    expect(await third.adoptPending()).toEqual([]); // taken once: the record is gone
  });

  it('does not adopt its own pending updates', async () => {
    const store = open(new IDBFactory());
    store.addPending('todos/a', 1, edits(1).updates[0] as Uint8Array);
    expect(await store.adoptPending()).toEqual([]);
  });

  it('commits the writes of many tasks in one transaction once the batch runs, not one transaction each', async () => {
    const factory = new IDBFactory();
    const store = open(factory, { compactAt: 1000 }); // no compaction meanwhile
    await store.loadDocs(['todos/a']); // the database is open
    // Only the batch's timer is faked: fake-indexeddb runs on setImmediate.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const started: IDBTransactionMode[] = [];
    const original = IDBDatabase.prototype.transaction;
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
      started.push(args[1] ?? 'readonly');
      return original.apply(this, args);
    });
    const { doc, updates } = edits(100);
    try {
      for (const [i, update] of updates.entries()) {
        store.append('todos/a', update);
        store.addPending('todos/a', i + 1, update);
        await new Promise<void>((resolve) => setImmediate(resolve)); // the next edit in a task of its own
      }
      expect(started).toEqual([]);
      vi.runOnlyPendingTimers(); // the batch
      expect(started).toEqual(['readwrite']);
    } finally {
      transaction.mockRestore();
      vi.useRealTimers();
    }
    await store.flush();
    const reopened = open(factory);
    expect(valueOf((await reopened.loadDocs(['todos/a'])).get('todos/a'))).toEqual(doc.getMap('data').toJSON());
    expect(await reopened.adoptPending()).toHaveLength(100);
  });

  it('starts the waiting batch in flush, before it returns, so a page going away commits it', async () => {
    const factory = new IDBFactory();
    const store = open(factory);
    await store.loadDocs(['todos/a']);
    const started: IDBTransactionMode[] = [];
    const original = IDBDatabase.prototype.transaction;
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
      started.push(args[1] ?? 'readonly');
      return original.apply(this, args);
    });
    let flushed: Promise<void>;
    try {
      store.append('todos/a', edits(1).updates[0] as Uint8Array);
      expect(started).toEqual([]);
      flushed = store.flush();
      expect(started).toEqual(['readwrite']); // synchronously
    } finally {
      transaction.mockRestore();
    }
    await flushed;
    expect(valueOf((await open(factory).loadDocs(['todos/a'])).get('todos/a'))).toEqual({ k0: 0 });
  });

  it('throws a TypeError naming the problem when no IndexedDB exists', () => {
    expect(() => indexedDbStore({ name: 'x' })).toThrow(/no IndexedDB here/);
  });
});
