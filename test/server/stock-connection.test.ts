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
    await storage.append(storageKey('todos/a'), [fieldsUpdate({ title: 'stored' })]);
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
    await storage.append(storageKey('todos/a'), [fieldsUpdate({ server: 1 })]);
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

describe('stock y-websocket connection, refused updates', () => {
  /** Anyone may create and update todos, but never change their owner; the token is the user. */
  const rules = {
    todos: {
      read: () => true,
      create: () => true,
      update: (_session: unknown, _id: string, before: { owner?: string }, after: { owner?: string }) => before.owner === after.owner,
      delete: () => false,
    },
  };

  /** Every stored part of a document, as text (to look for content that must not be there). */
  async function storedText(storage: Parameters<typeof loadStored>[0], name: string): Promise<string> {
    const stored = await storage.load(storageKey(name));
    return [stored.state, ...stored.updates].map((part) => (part ? Buffer.from(part).toString('latin1') : '')).join('');
  }

  it('reverts a refused write, converges the provider back, and stores its later allowed writes, reconnect included', async () => {
    const t = resources.server(await startServer({ rules }));
    const ann = resources.model(client(t.url));
    ann.add('todos', { id: 'a', owner: 'ann', title: 't', done: false });
    await ann.subscribe('todos.a');
    await ann.whenNothingPending();
    const stock = provider(t.url, 'todos/a');
    await waitFor(() => stock.synced, 3000, 'the provider synced');
    const data = stock.doc.getMap('data');

    data.set('owner', 'mallory-owner');
    await waitFor(() => data.get('owner') === 'ann', 3000, 'the provider back at the server value');
    expect(t.logs.filter((line) => line.includes('update refused and reverted (rule todos.update denied it)'))).toHaveLength(1);
    data.set('done', true);
    await waitFor(() => ann.get('todos.a.done') === true, 3000, 'the allowed write after the refused one');

    stock.disconnect();
    stock.connect();
    await waitFor(() => stock.synced && stock.wsconnected, 3000, 'the provider reconnected');
    data.set('title', 'after reconnect');
    await waitFor(() => ann.get('todos.a.title') === 'after reconnect', 3000, 'a write after the reconnect');
    expect(ann.get('todos.a')).toEqual({ id: 'a', owner: 'ann', title: 'after reconnect', done: true });
    expect(data.toJSON()).toEqual(ann.get('todos.a'));
    await eventually(async () => ((await loadStored(t.storage, 'todos/a')).value as { title?: string } | undefined)?.title === 'after reconnect', 3000, 'stored');
    expect(await storedText(t.storage, 'todos/a')).not.toContain('mallory-owner');
    expect(t.logs.filter((line) => line.includes('depends on updates'))).toEqual([]);
  });

  it('reverts content outside the data map from a provider, keeping nothing of it, and stores its later writes', async () => {
    const t = resources.server(await startServer());
    const ann = resources.model(client(t.url));
    await ann.subscribe('todos.a');
    const stock = provider(t.url, 'todos/a');
    await waitFor(() => stock.synced, 3000, 'the provider synced');
    const hidden = 'hidden-'.repeat(30_000);
    stock.doc.getMap('hidden').set('x', hidden);
    await waitFor(() => t.logs.some((line) => line.includes('update refused and reverted (the update writes to the root type "hidden"')), 3000, 'the log');
    stock.doc.getMap('data').set('title', 'visible');
    await waitFor(() => ann.get('todos.a.title') === 'visible', 3000, 'the later write');
    await eventually(async () => ((await loadStored(t.storage, 'todos/a')).value as { title?: string } | undefined)?.title === 'visible', 3000, 'stored');
    expect(await storedText(t.storage, 'todos/a')).not.toContain('hidden-hidden');
    await waitFor(() => stock.doc.getMap('hidden').size === 0, 3000, 'the provider without the hidden content');
  });
});
