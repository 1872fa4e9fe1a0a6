import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { memoryStorage } from '../../src/server/index.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { eventually, fieldsUpdate, loadStored, storageKey, useResources } from '../helpers/server-fixtures.ts';

const resources = useResources();

/** A stock y-websocket provider on `collection/id`. */
function provider(url: string, name: string, doc = new Y.Doc()): WebsocketProvider {
  const created = new WebsocketProvider(url, name, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
  resources.defer(() => created.destroy());
  return created;
}

describe('stock y-websocket connection', () => {
  it('gives a stock provider the stored document on connect', async () => {
    const storage = memoryStorage();
    await storage.append(storageKey('todos/a'), fieldsUpdate({ title: 'stored' }));
    const t = resources.server(await startServer({ storage }));
    const stock = provider(t.url, 'todos/a');
    await waitFor(() => stock.synced, 3000, 'the provider synced');
    expect(stock.doc.getMap('data').toJSON()).toEqual({ title: 'stored' });
  });

  it('lets a stock provider and a yracer model edit the same document, and stores both', async () => {
    const t = resources.server(await startServer());
    const stock = provider(t.url, 'todos/a');
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    await waitFor(() => stock.synced, 3000, 'the provider synced');

    stock.doc.getMap('data').set('title', 'from stock');
    await waitFor(() => model.get('todos.a.title') === 'from stock', 3000, 'the stock edit in the model');
    model.set('todos.a.done', true);
    await waitFor(() => stock.doc.getMap('data').get('done') === true, 3000, 'the model edit in the provider');
    await model.whenNothingPending();
    const stored = await loadStored(t.storage, 'todos/a');
    expect(stored.value).toEqual({ title: 'from stock', done: true });
  });

  it('brings a stock provider with offline edits and the server to the same state', async () => {
    const storage = memoryStorage();
    await storage.append(storageKey('todos/a'), fieldsUpdate({ server: 1 }));
    const t = resources.server(await startServer({ storage }));
    const offline = new Y.Doc();
    offline.getMap('data').set('offline', 2);
    const stock = provider(t.url, 'todos/a', offline);
    await waitFor(() => stock.synced && offline.getMap('data').get('server') === 1, 3000, 'the merge in the provider');
    await eventually(async () => (await loadStored(storage, 'todos/a')).doc.getMap('data').has('offline'), 3000, 'the offline edit stored');
    const reader = resources.model(client(t.url));
    await reader.fetch('todos.a');
    expect(reader.get('todos.a')).toEqual({ server: 1, offline: 2 });
  });

  it('shares awareness between stock providers and removes it when one leaves', async () => {
    const t = resources.server(await startServer());
    const ann = provider(t.url, 'todos/a');
    const bob = provider(t.url, 'todos/a');
    await waitFor(() => ann.synced && bob.synced, 3000, 'both synced');
    ann.awareness.setLocalStateField('user', 'ann');
    const annId = ann.doc.clientID;
    await waitFor(() => bob.awareness.getStates().get(annId)?.['user'] === 'ann', 3000, 'ann seen by bob');
    ann.destroy();
    await waitFor(() => !bob.awareness.getStates().has(annId), 3000, 'ann removed');
  });
});
