import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { indexedDbStore } from '../../src/client/indexeddb-store.ts';
import type { Model } from '../../src/index.ts';
import { decodeFrame } from '../../src/protocol/frame.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { readPayload } from '../../src/protocol/sync-payload.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { freePort, Opened, reusable, startServerOn } from '../helpers/client-fixtures.ts';
import { client, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';
import { within } from '../helpers/server-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

let profiles = 0;

/** The clients whose structs each tab put in the updates it sent to the server. */
type SentClients = Set<number>;

/** A WebSocket class that records the Yjs clients of every update frame sent through it. */
function recordingSocket(sent: SentClients): typeof WebSocket {
  return class extends WebSocket {
    override send(data: Uint8Array): void {
      try {
        const message = decodeFrame(data);
        if (message.kind === MessageKind.Doc) {
          const payload = readPayload(message.payload);
          if (payload.type === 'update' || payload.type === 'step2') {
            for (const struct of Y.decodeUpdate(payload.update).structs) sent.add(struct.id.client);
          }
        }
      } catch {
        // not a frame of ours
      }
      super.send(data);
    }
  } as typeof WebSocket;
}

/** Tabs of one browser profile: one IndexedDB, one BroadcastChannel name. */
class Profile {
  readonly factory = new IDBFactory();
  readonly name = `tabs-${++profiles}`;

  tab(url: string, sent: SentClients = new Set(), connect = true): Model {
    const store = indexedDbStore({ name: this.name, indexedDB: this.factory });
    return opened.model(client(url, { offline: store, WebSocket: recordingSocket(sent) as never, connect }));
  }
}

async function server(port: number, storage = memoryStorage()): Promise<TestServer> {
  const started = await startServerOn(port, { storage: reusable(storage) });
  opened.defer(() => started.server.close());
  return started;
}

const clientOf = (model: Model, path: string): number => {
  const entry = model.store.entry(...(path.split('.') as [string, string]));
  if (!entry) throw new Error(`${path} is not in the model`);
  return entry.ydoc.clientID;
};

describe('tab sync', () => {
  it('keeps two tabs in sync while the server is down, and each sends only its own writes when it is back', async () => {
    const port = await freePort();
    const storage = memoryStorage();
    const first = await server(port, storage);
    const profile = new Profile();
    const sentA: SentClients = new Set();
    const sentB: SentClients = new Set();
    const a = profile.tab(first.url, sentA);
    const b = profile.tab(first.url, sentB);
    await Promise.all([a.subscribe('todos.x'), b.subscribe('todos.x')]);
    a.set('todos.x', { title: 'milk', n: 0 });
    await a.whenNothingPending();
    await waitFor(() => b.get('todos.x.title') === 'milk', 2000, 'tab B to see the todo');
    await first.server.close();
    await waitFor(() => a.connection.state !== 'online' && b.connection.state !== 'online', 2000, 'both offline');

    a.set('todos.x.title', 'oat milk');
    b.increment('todos.x.n', 2);
    await waitFor(() => b.get('todos.x.title') === 'oat milk' && a.get('todos.x.n') === 2, 2000, 'the tabs to exchange offline edits');
    sentA.clear();
    sentB.clear();

    const second = await server(port, storage);
    await within(Promise.all([a.whenNothingPending(), b.whenNothingPending()]), 5000, 'both tabs stored');
    const reader = opened.model(client(second.url));
    await reader.subscribe('todos.x');
    expect(reader.get('todos.x')).toEqual({ title: 'oat milk', n: 2 });
    // Each tab sent what it wrote, not what the other wrote.
    expect(sentB.has(clientOf(a, 'todos.x'))).toBe(false);
    expect(sentA.has(clientOf(b, 'todos.x'))).toBe(false);
  });

  it('posts the local writes of one batch to the other tabs in one message per document', async () => {
    const port = await freePort();
    const started = await server(port);
    const profile = new Profile();
    const a = profile.tab(started.url);
    const b = profile.tab(started.url);
    await Promise.all([a.subscribe('todos.x'), b.subscribe('todos.x')]);
    a.set('todos.x', { title: 'milk' });
    await waitFor(() => b.get('todos.x.title') === 'milk', 2000, 'tab B to see the todo');
    const posted = vi.spyOn(BroadcastChannel.prototype, 'postMessage');
    try {
      for (let i = 0; i < 10; i++) a.set(`todos.x.k${i}`, i);
      await waitFor(() => b.get('todos.x.k9') === 9, 2000, 'tab B to see the writes');
      const updates = posted.mock.calls.filter(([message]) => (message as { kind?: string }).kind !== 'stored');
      expect(updates).toHaveLength(1);
    } finally {
      posted.mockRestore();
    }
    expect(b.get('todos.x')).toEqual(a.get('todos.x'));
  });

  it('sends the other tab’s unconfirmed update along when a write builds on it', async () => {
    const port = await freePort();
    const started = await server(port);
    const profile = new Profile();
    const offlineTab = profile.tab(started.url, new Set(), false); // never connects
    const onlineTab = profile.tab(started.url);
    await onlineTab.subscribe('lists.l');
    onlineTab.set('lists.l.items', ['a']);
    await onlineTab.whenNothingPending();
    await onlineTab.whenStoredOffline(); // writes commit in batches (a frame): this one is in the shared store now
    // The offline tab loads the list from the shared store.
    await within(offlineTab.subscribe('lists.l'), 2000, 'the offline tab to load the list');
    offlineTab.insert('lists.l.items', 1, 'b');
    await waitFor(() => (onlineTab.get('lists.l.items') as string[]).length === 2, 2000, 'the online tab to see b');
    onlineTab.insert('lists.l.items', 2, 'c'); // right of b: depends on the offline tab's item
    await within(onlineTab.whenNothingPending(), 3000, 'the write that builds on b to be stored');
    const reader = opened.model(client(started.url));
    await reader.subscribe('lists.l');
    expect(reader.get('lists.l.items')).toEqual(['a', 'b', 'c']);
  });

  it('shows a document another tab created offline in this tab’s queries', async () => {
    const port = await freePort();
    const started = await server(port);
    const profile = new Profile();
    const a = profile.tab(started.url);
    const b = profile.tab(started.url);
    const query = b.query('todos', { listId: 'l' });
    await query.subscribe();
    await started.server.close();
    await waitFor(() => a.connection.state !== 'online' && b.connection.state !== 'online', 2000, 'both offline');
    a.add('todos', { id: 'new', listId: 'l', title: 'created in tab A' });
    await waitFor(() => query.getIds().includes('new'), 2000, 'tab B’s query to include the new document');
    expect(b.get('todos.new.title')).toBe('created in tab A');
  });

  it('ignores messages on the channel that are not tab updates', async () => {
    const port = await freePort();
    const started = await server(port);
    const profile = new Profile();
    const tab = profile.tab(started.url);
    await tab.subscribe('todos.x');
    tab.set('todos.x.title', 'kept');
    const stranger = new BroadcastChannel(`yracer-tabs ${profile.name}`);
    stranger.postMessage({ kind: 'update', doc: 'todos/x', update: 'not bytes', from: 'someone' });
    stranger.postMessage({ kind: 'update', doc: 'todos/x', update: new Uint8Array([1, 2, 3]), from: 'someone' });
    stranger.postMessage(42);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stranger.close();
    expect(tab.get('todos.x.title')).toBe('kept');
    await within(tab.whenNothingPending(), 3000, 'the tab to keep working');
  });
});
