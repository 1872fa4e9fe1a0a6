import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SyncError } from '../../src/index.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { freePort, Opened, reusable, sleep, startServerOn } from '../helpers/client-fixtures.ts';
import { client, waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

const { serve, gatedServer, connect } = opened;

/** Records the outcome of a promise without awaiting it. */
function track(promise: Promise<void>): { state: 'pending' | 'resolved' | 'rejected'; error: unknown } {
  const outcome: { state: 'pending' | 'resolved' | 'rejected'; error: unknown } = { state: 'pending', error: undefined };
  promise.then(
    () => (outcome.state = 'resolved'),
    (error: unknown) => Object.assign(outcome, { state: 'rejected', error }),
  );
  return outcome;
}

/** A write callback that records its calls. */
function recorder(): { calls: Array<Error | undefined>; callback: (error?: Error) => void } {
  const calls: Array<Error | undefined> = [];
  return { calls, callback: (error) => void calls.push(error) };
}

describe('SyncClient writes and acknowledgements', () => {
  it('calls back and resolves whenNothingPending only once storage has the update', async () => {
    const { url, storage } = await gatedServer();
    const model = connect(url);
    await model.subscribe('todos.a');
    storage.hold();
    const written = recorder();
    model.set('todos.a.title', 'x', written.callback);
    const idle = track(model.whenNothingPending());
    await waitFor(() => storage.held === 1, 5000, 'the append to reach storage');
    await sleep(50);
    expect(written.calls).toEqual([]);
    expect(idle.state).toBe('pending');
    expect(model.hasPending()).toBe(true);
    storage.release();
    await model.whenNothingPending();
    expect(written.calls).toEqual([undefined]);
    expect(idle.state).toBe('resolved');
    expect(model.hasPending()).toBe(false);
  });

  it('calls back writes batched in one Y.transact only once the server stored them', async () => {
    const { url, storage } = await gatedServer();
    const model = connect(url);
    await model.subscribe('todos.a');
    storage.hold();
    const first = recorder();
    const second = recorder();
    Y.transact(model.yDoc('todos.a'), () => {
      model.set('todos.a.x', 1, first.callback);
      model.set('todos.a.y', 2, second.callback);
    });
    expect(model.get('todos.a')).toEqual({ x: 1, y: 2 });
    await waitFor(() => storage.held === 1, 5000, 'the batched update to reach storage');
    await sleep(50);
    expect(model.hasPending()).toBe(true);
    expect([first.calls, second.calls]).toEqual([[], []]);
    storage.release();
    await model.whenNothingPending();
    await sleep(0);
    expect([first.calls, second.calls]).toEqual([[undefined], [undefined]]);
  });

  it('reports hasPending exactly: false when idle, true right after a write, false after the ack', async () => {
    const { url } = await serve();
    const model = connect(url);
    await model.subscribe('todos.a');
    expect(model.hasPending()).toBe(false);
    let pendingInCallback: boolean | null = null;
    model.set('todos.a', { n: 1 }, () => (pendingInCallback = model.hasPending()));
    expect(model.hasPending()).toBe(true);
    await model.whenNothingPending();
    expect(model.hasPending()).toBe(false);
    await waitFor(() => pendingInCallback !== null, 2000, 'the callback');
    expect(pendingInCallback).toBe(false);
    // A write that changes nothing sends nothing and calls back at once.
    const unchanged = recorder();
    model.setDiff('todos.a.n', 1, unchanged.callback);
    expect(model.hasPending()).toBe(false);
    await sleep(0);
    expect(unchanged.calls).toEqual([undefined]);
  });

  it('acks several writes to several documents and calls every callback once', async () => {
    const { url, storage } = await serve();
    const model = connect(url);
    const calls: string[] = [];
    for (let i = 0; i < 20; i++) model.set(`todos.d${i % 4}.k${i}`, i, (error) => calls.push(error ? `error ${i}` : `ok ${i}`));
    await model.whenNothingPending();
    await sleep(0);
    expect(calls.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `ok ${i}`).sort());
    for (let d = 0; d < 4; d++) expect((await storage.load({ collection: 'todos', id: `d${d}` })).updates.length).toBeGreaterThan(0);
  });

  it('stores and acks a write to a document the client does not subscribe to', async () => {
    const { url, storage } = await serve();
    const writer = connect(url);
    const written = recorder();
    writer.set('notes.n1', { text: 'hi' }, written.callback);
    await writer.whenNothingPending();
    expect(written.calls).toEqual([undefined]);
    expect((await storage.load({ collection: 'notes', id: 'n1' })).updates).toHaveLength(1);
    const reader = connect(url);
    await reader.fetch('notes.n1');
    expect(reader.get('notes.n1')).toEqual({ text: 'hi' });
  });

  it('rejects the callback and whenNothingPending with storage-failed when storage refuses the update', async () => {
    const { url, storage } = await gatedServer();
    const model = connect(url);
    await model.subscribe('todos.a');
    storage.failAppends(1);
    const written = recorder();
    model.set('todos.a.title', 'lost?', written.callback);
    const error = await model.whenNothingPending().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'storage-failed', doc: 'todos/a' });
    expect(written.calls).toHaveLength(1);
    expect(written.calls[0]).toBe(error);
    expect(model.hasPending()).toBe(false);
    // Later writes are stored and acknowledged normally.
    const next = recorder();
    model.set('todos.a.title', 'kept', next.callback);
    await model.whenNothingPending();
    expect(next.calls).toEqual([undefined]);
  });

  it('sends writes made before the socket opened once it is open', async () => {
    const { url, storage } = await serve();
    const model = connect(url);
    expect(model.connection.state).toBe('connecting');
    const written = recorder();
    model.set('todos.early', { n: 1 }, written.callback);
    expect(model.hasPending()).toBe(true);
    await model.whenNothingPending();
    expect(written.calls).toEqual([undefined]);
    expect((await storage.load({ collection: 'todos', id: 'early' })).updates.length).toBeGreaterThan(0);
  });

  it('applies offline writes at once, keeps them and stores them after the server is back', async () => {
    const port = await freePort();
    const storage = reusable(memoryStorage());
    const first = opened.server(await startServerOn(port, { storage }));
    const url = first.url;
    const model = connect(url);
    const peer = connect(url);
    await model.subscribe('todos.a');
    await peer.subscribe('todos.a');
    model.set('todos.a', { list: [] });
    await model.whenNothingPending();

    await first.server.close();
    await waitFor(() => model.connection.state !== 'online' && peer.connection.state !== 'online', 5000, 'both clients offline');
    const callbacks: Array<Error | undefined> = [];
    for (let i = 0; i < 5; i++) model.push('todos.a.list', i, (error) => callbacks.push(error));
    model.set('todos.b', { offline: true }, (error) => callbacks.push(error));
    expect(model.get('todos.a.list')).toEqual([0, 1, 2, 3, 4]);
    expect(model.hasPending()).toBe(true);
    await sleep(150);
    expect(callbacks).toEqual([]);
    expect(model.hasPending()).toBe(true);

    opened.server(await startServerOn(port, { storage }));
    await model.whenNothingPending();
    await waitFor(() => callbacks.length === 6, 2000, 'every callback');
    expect(callbacks).toEqual(new Array(6).fill(undefined));
    await waitFor(() => JSON.stringify(peer.get('todos.a.list')) === '[0,1,2,3,4]', 5000, 'the peer to get the offline writes');
    const fresh = connect(url);
    await fresh.fetch('todos.a', 'todos.b');
    expect(fresh.get('todos')).toEqual({ a: { list: [0, 1, 2, 3, 4] }, b: { offline: true } });
  });

  it('fails pending callbacks and whenNothingPending when the model is closed', async () => {
    const { url, storage } = await gatedServer();
    const model = client(url);
    await model.subscribe('todos.a');
    storage.hold();
    const written = recorder();
    model.set('todos.a.n', 1, written.callback);
    const idle = track(model.whenNothingPending());
    model.close();
    await sleep(10);
    expect(written.calls).toHaveLength(1);
    expect(written.calls[0]).toBeInstanceOf(Error);
    expect(idle.state).toBe('rejected');
    storage.release();
  });
});
