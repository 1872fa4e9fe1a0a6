import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Fanout } from '../../src/fanout/fanout.ts';
import type { Model } from '../../src/index.ts';
import { startCluster } from '../helpers/cluster-fixtures.ts';
import { names, ROOM } from '../helpers/presence-fixtures.ts';
import { Random } from '../helpers/random.ts';
import { loadStored, useResources } from '../helpers/server-fixtures.ts';
import { client, waitFor } from '../helpers/sync-fixtures.ts';

const resources = useResources();

/** A fan-out that drops what `drop` says, on the receiving side. */
function dropping(inner: Fanout, drop: (channel: string) => boolean): Fanout {
  return {
    get process() {
      return inner.process;
    },
    get connected() {
      return inner.connected;
    },
    subscribe: (channel, listener) => inner.subscribe(channel, (message) => (drop(channel) ? undefined : listener(message))),
    publish: (channel, message) => inner.publish(channel, message),
    onStatus: (listener) => inner.onStatus(listener),
    close: () => inner.close(),
  };
}

const model = (url: string): Model => resources.model(client(url));

describe('fan-out between servers', () => {
  it('delivers a write on one server to a client of another, both ways', async () => {
    const { servers } = await startCluster(resources, 2);
    const [one, two] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const a = model(one.url);
    const b = model(two.url);
    await Promise.all([a.subscribe('todos.t1'), b.subscribe('todos.t1')]);
    a.set('todos.t1.title', 'from one');
    await waitFor(() => b.get('todos.t1.title') === 'from one', 5000, 'the write on server 2');
    b.set('todos.t1.done', true);
    await waitFor(() => a.get('todos.t1.done') === true, 5000, 'the write on server 1');
  });

  it('lets a stock y-websocket client on one server and a model on another see each other', async () => {
    const { servers } = await startCluster(resources, 2);
    const [one, two] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const doc = new Y.Doc();
    const stock = new WebsocketProvider(one.url, 'todos/s1', doc, { WebSocketPolyfill: WebSocket as never });
    resources.defer(() => stock.destroy());
    const b = model(two.url);
    await b.subscribe('todos.s1');
    await waitFor(() => stock.synced, 5000, 'the provider synced');
    doc.getMap('data').set('title', 'stock');
    await waitFor(() => b.get('todos.s1.title') === 'stock', 5000, 'the stock write on server 2');
    b.set('todos.s1.n', 2);
    await waitFor(() => doc.getMap('data').get('n') === 2, 5000, 'the model write in the provider');
  });

  it('converges when every announcement is lost: the room finds the gap by polling storage', async () => {
    const { servers } = await startCluster(resources, 2, { wrapFanout: (fanout) => dropping(fanout, (channel) => channel.startsWith('doc:')) });
    const [one, two] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const a = model(one.url);
    const b = model(two.url);
    await Promise.all([a.subscribe('todos.t1'), b.subscribe('todos.t1')]);
    for (let i = 0; i < 5; i++) a.set(`todos.t1.k${i}`, i);
    await waitFor(() => b.get('todos.t1.k4') === 4, 5000, 'the writes on server 2, read from storage');
  });

  it('keeps a live query on one server current with writes on another, also when collection messages are lost', async () => {
    let lose = false;
    const { servers } = await startCluster(resources, 2, { wrapFanout: (fanout) => dropping(fanout, (channel) => lose && channel.startsWith('col:')) });
    const [one, two] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const a = model(one.url);
    const b = model(two.url);
    const open = b.query('todos', { done: false, $sort: { rank: 1 } });
    const count = b.query('todos', { done: false, $count: true });
    await Promise.all([open.subscribe(), count.subscribe()]);
    a.add('todos', { id: 't1', rank: 1, done: false });
    a.add('todos', { id: 't2', rank: 2, done: false });
    await waitFor(() => open.getIds().join() === 't1,t2' && count.get() === 2, 5000, 'the inserts in the query on server 2');
    a.set('todos.t2.rank', 0);
    await waitFor(() => open.getIds().join() === 't2,t1', 5000, 'the move');
    a.set('todos.t1.title', 'changed on server 1');
    await waitFor(() => b.get('todos.t1.title') === 'changed on server 1', 5000, 'the change of a result document');
    a.set('todos.t1.done', true);
    await waitFor(() => open.getIds().join() === 't2' && count.get() === 1, 5000, 'the removal');
    lose = true;
    a.set('todos.t2.done', true);
    await a.whenNothingPending();
    // The heartbeat's number shows a message was missed: every query of the collection runs again.
    lose = false;
    await waitFor(() => open.getIds().length === 0 && count.get() === 0, 5000, 'the lost change, by heartbeat');
  });

  it('stores no invalid document in 50 runs of clients of different servers pushing at once against maxItems', async () => {
    const schema = { lists: z.object({ items: z.array(z.number()).max(10) }) };
    const { servers, storage } = await startCluster(resources, 2, { server: { schema } });
    const [one, two] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const a = model(one.url);
    const b = model(two.url);
    const random = new Random(7);
    for (let run = 0; run < 50; run++) {
      const path = `lists.l${run}`;
      a.add('lists', { id: `l${run}`, items: [] });
      await a.whenNothingPending();
      await Promise.all([a.subscribe(path), b.subscribe(path)]);
      for (let i = 0; i < 8; i++) {
        (random.chance(0.5) ? a : b).push(`${path}.items`, i, () => undefined);
        (random.chance(0.5) ? a : b).push(`${path}.items`, 100 + i, () => undefined);
      }
      await Promise.all([a.whenNothingPending().catch(() => undefined), b.whenNothingPending().catch(() => undefined)]);
      const stored = await loadStored(storage(), `lists/l${run}`);
      expect((stored.value as { items: number[] }).items.length).toBeLessThanOrEqual(10);
    }
  });

  it('shows the presence of a client on one server to a client on another, and its departure', async () => {
    const { servers } = await startCluster(resources, 2);
    const [one, two] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const a = model(one.url);
    const b = model(two.url);
    const pa = a.at(ROOM).presence;
    const pb = b.at(ROOM).presence;
    pa.set({ name: 'ada' });
    pb.set({ name: 'bob' });
    await waitFor(() => names(pb).includes('ada') && names(pa).includes('bob'), 5000, 'each to see the other across servers');
    pa.update({ name: 'ada 2' });
    await waitFor(() => names(pb).includes('ada 2'), 5000, 'the change across servers');
    a.close();
    await waitFor(() => names(pb).length === 0, 5000, 'the departure across servers');
  });

  it('stores the JSON of a collection another server holds live queries of within a query batch, not after the JSON delay', async () => {
    const { servers } = await startCluster(resources, 2, { server: { jsonDelayMs: 60_000, jsonRepairMs: 60_000 } });
    const [one, two] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const a = model(one.url);
    const b = model(two.url);
    const open = b.query('todos', { done: false });
    await open.subscribe();
    // Server 1 hears that server 2 watches todos (its first heartbeat), then stores a new todo.
    await a.subscribe('todos.t0');
    a.add('todos', { id: 't1', done: false });
    await waitFor(() => open.getIds().join() === 't1', 5000, 'the insert in the query on server 2 long before the 60 s JSON delay');
  });
});
