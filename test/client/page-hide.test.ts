// @vitest-environment jsdom
/**
 * The offline store is flushed when the page may be going away (`pagehide`,
 * `visibilitychange` to hidden), so what the page wrote commits before it is gone.
 */
import { IDBDatabase, IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { indexedDbStore } from '../../src/client/indexeddb-store.ts';
import { onPageHide } from '../../src/client/page-hide.ts';
import { freePort, Opened } from '../helpers/client-fixtures.ts';
import { client } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** Makes the document report `state` and fires `visibilitychange`. */
function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('onPageHide', () => {
  it('calls the listener on pagehide and when the page turns hidden, not when it turns visible, until stopped', () => {
    const listener = vi.fn();
    const stop = onPageHide(listener);
    try {
      window.dispatchEvent(new Event('pagehide'));
      expect(listener).toHaveBeenCalledTimes(1);
      setVisibility('hidden');
      expect(listener).toHaveBeenCalledTimes(2);
      setVisibility('visible');
      expect(listener).toHaveBeenCalledTimes(2);
    } finally {
      stop();
    }
    window.dispatchEvent(new Event('pagehide'));
    setVisibility('hidden');
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it("flushes a model's offline store on pagehide, and no longer once the model is closed", async () => {
    const store = indexedDbStore({ name: 'page-hide', indexedDB: new IDBFactory() });
    const flush = vi.spyOn(store, 'flush');
    const model = opened.model(client(`ws://127.0.0.1:${await freePort()}/`, { offline: store, tabSync: false }));
    model.add('todos', { id: 'a', title: 'milk' });
    window.dispatchEvent(new Event('pagehide')); // in the write's turn: it commits now
    expect(flush).toHaveBeenCalledTimes(1);
    await model.whenStoredOffline();
    model.close();
    const calls = flush.mock.calls.length;
    window.dispatchEvent(new Event('pagehide'));
    expect(flush).toHaveBeenCalledTimes(calls);
  });

  it('commits the edits of several tasks waiting for the next frame on pagehide, before the page goes', async () => {
    setVisibility('visible'); // a hidden page commits each turn's writes at once
    const factory = new IDBFactory();
    const store = indexedDbStore({ name: 'page-hide-batch', indexedDB: factory });
    const model = opened.model(client(`ws://127.0.0.1:${await freePort()}/`, { offline: store, tabSync: false }));
    await model.whenStoredOffline(); // the database is open
    // No frame and no timer comes: only pagehide can commit the batch (fake-indexeddb runs on setImmediate).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    const started: IDBTransaction[] = [];
    const original = IDBDatabase.prototype.transaction;
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
      const tx = original.apply(this, args);
      if (args[1] === 'readwrite') started.push(tx);
      return tx;
    });
    try {
      for (let i = 0; i < 20; i++) {
        model.set(`todos.a.k${i}`, i);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      expect(started).toHaveLength(0); // batched, waiting for a frame
      window.dispatchEvent(new Event('pagehide'));
      expect(started).toHaveLength(1); // all 20 in one transaction, started in the event
    } finally {
      spy.mockRestore();
      vi.useRealTimers();
    }
    await model.whenStoredOffline();
    const other = indexedDbStore({ name: 'page-hide-batch', indexedDB: factory });
    opened.defer(() => other.close());
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await other.loadDocs(['todos/a'])).get('todos/a') ?? new Uint8Array([0, 0]));
    expect(doc.getMap('data').toJSON()).toMatchObject(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])));
    expect(await other.adoptPending()).not.toHaveLength(0);
  });
});
