import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { Model } from '../../src/index.ts';
import { sqliteStorage } from '../../src/server/index.ts';
import { freePort, Opened, startServerOn, tempDir } from '../helpers/client-fixtures.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** A stock y-websocket client on `ws://127.0.0.1:<port>` room `todos/a`, synced. */
async function stockClient(port: number, room = 'todos/a'): Promise<{ doc: Y.Doc; provider: WebsocketProvider; data: Y.Map<unknown> }> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}`, room, doc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
  });
  opened.defer(() => {
    provider.destroy();
    doc.destroy();
  });
  await waitFor(() => provider.synced, 5000, `stock client on ${room} to sync`);
  return { doc, provider, data: doc.getMap('data') };
}

describe('y-websocket compatibility', () => {
  it('syncs a stock WebsocketProvider and a yracer client on the same document, both ways', async () => {
    const { url, port } = opened.server(await startServer());
    const model = opened.model(client(url));
    model.set('todos.a', { title: 'from yracer' });
    await model.subscribe('todos.a');
    await model.whenNothingPending();

    const stock = await stockClient(port);
    await waitFor(() => stock.data.get('title') === 'from yracer', 5000, 'the stock client to see the yracer write');
    stock.data.set('done', true);
    await waitFor(() => model.get('todos.a.done') === true, 5000, 'the yracer client to see the stock write');

    model.set('todos.a.title', 'edited by yracer');
    await waitFor(() => stock.data.get('title') === 'edited by yracer', 5000, 'a later yracer write');
    const late: Model = opened.model(client(url));
    await late.fetch('todos.a');
    expect(late.get('todos.a')).toEqual({ title: 'edited by yracer', done: true });
    expect(stock.data.toJSON()).toEqual({ title: 'edited by yracer', done: true });
  });

  it('relays awareness between two stock clients', async () => {
    const { port } = opened.server(await startServer());
    const alice = await stockClient(port);
    const bob = await stockClient(port);
    alice.provider.awareness.setLocalStateField('user', { name: 'alice' });
    bob.provider.awareness.setLocalStateField('user', { name: 'bob' });
    const userOf = (seer: WebsocketProvider, seen: WebsocketProvider): unknown =>
      (seer.awareness.getStates().get(seen.awareness.clientID) as { user?: { name: string } } | undefined)?.user?.name;
    await waitFor(() => userOf(bob.provider, alice.provider) === 'alice', 5000, 'bob to see alice');
    await waitFor(() => userOf(alice.provider, bob.provider) === 'bob', 5000, 'alice to see bob');
    // A client joining later gets the current states.
    const carol = await stockClient(port);
    await waitFor(() => userOf(carol.provider, alice.provider) === 'alice' && userOf(carol.provider, bob.provider) === 'bob', 5000, 'carol to see both');
    // Leaving removes the state for the others.
    alice.provider.destroy();
    await waitFor(() => !bob.provider.awareness.getStates().has(alice.provider.awareness.clientID), 5000, 'alice to leave bob’s awareness');
  });

  it('stores a stock client’s edits: a restarted server on the same file still has them', async () => {
    const temp = tempDir('yracer-stock-');
    opened.defer(() => temp.remove());
    const file = join(temp.dir, 'stock.db');
    const port = await freePort();
    const first = opened.server(await startServerOn(port, { storage: sqliteStorage(file) }));
    const stock = await stockClient(port);
    stock.data.set('title', 'typed in a stock client');
    stock.data.set('tags', new Y.Array<string>());
    (stock.data.get('tags') as Y.Array<string>).push(['a', 'b']);

    // Appended to the update log (not only kept in memory until shutdown).
    const db = new Database(file, { readonly: true });
    opened.defer(() => db.close());
    const count = db.prepare("SELECT count(*) AS n FROM yracer_log WHERE collection = 'todos' AND id = 'a'");
    await waitFor(() => (count.get() as { n: number }).n >= 3, 5000, 'the stock updates in the log');

    stock.provider.destroy();
    await first.server.close(); // idempotent: closed again, harmlessly, after the test
    const second = opened.server(await startServerOn(port, { storage: sqliteStorage(file) }));
    const reader = opened.model(client(second.url));
    await reader.fetch('todos.a');
    expect(reader.get('todos.a')).toEqual({ title: 'typed in a stock client', tags: ['a', 'b'] });
  });
});
