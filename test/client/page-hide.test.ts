// @vitest-environment jsdom
/**
 * The offline store is flushed when the page may be going away (`pagehide`,
 * `visibilitychange` to hidden), so what the page wrote commits before it is gone.
 */
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
});
