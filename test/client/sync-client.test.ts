import { afterEach, describe, expect, it } from 'vitest';
import type { Model, ModelEvent } from '../../src/index.ts';
import type { ServerOptions } from '../../src/server/index.ts';
import { Opened, sleep } from '../helpers/client-fixtures.ts';
import { client, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

const { serve, gatedServer, connect } = opened;

/** A server holding `todos.<id>` = value for each entry, written by a client that then goes away. */
async function seeded(docs: Record<string, object>, options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const server = await serve(options);
  const writer = client(server.url);
  for (const [id, value] of Object.entries(docs)) writer.set(`todos.${id}`, value);
  await writer.whenNothingPending();
  writer.close();
  return server;
}

/** Writes a value from another client (which loads the document first, so its write wins) and waits until it is stored. */
async function writeFrom(writer: Model, path: string, value: unknown): Promise<void> {
  await writer.subscribe(path);
  writer.set(path, value);
  await writer.whenNothingPending();
}

describe('SyncClient subscribe and fetch', () => {
  it('resolves subscribe once the document arrived and emits one load event for it', async () => {
    const { url } = await seeded({ a: { title: 'x', done: false } });
    const model = connect(url);
    const events: ModelEvent[] = [];
    model.on('all', 'todos.**', (event) => events.push(event));
    await model.subscribe('todos.a');
    expect(model.get('todos.a')).toEqual({ title: 'x', done: false });
    expect(events).toEqual([{ type: 'load', path: 'todos.a', value: { title: 'x', done: false }, document: { title: 'x', done: false }, passed: {}, remote: true }]);
  });

  it('delivers later remote changes to a subscribed document as remote change events', async () => {
    const { url } = await seeded({ a: { title: 'x' } });
    const model = connect(url);
    const writer = connect(url);
    await model.subscribe('todos.a');
    await writer.subscribe('todos.a');
    const events: ModelEvent[] = [];
    model.on('change', 'todos.a.title', (event) => events.push(event));
    writer.set('todos.a.title', 'y');
    await waitFor(() => model.get('todos.a.title') === 'y', 5000, 'the remote change');
    expect(events).toEqual([{ type: 'change', path: 'todos.a.title', value: 'y', previous: 'x', passed: {}, remote: true }]);
  });

  it('subscribes to a document that does not exist yet and receives it when created', async () => {
    const { url } = await serve();
    const model = connect(url);
    const writer = connect(url);
    await model.subscribe('todos.new');
    expect(model.get('todos.new')).toBeUndefined();
    writer.set('todos.new', { title: 'born' });
    await waitFor(() => model.get('todos.new.title') === 'born', 5000, 'the created document');
  });

  it('accepts paths, paths below a document, scoped models and nested arrays, relative to the scope', async () => {
    const docs = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => [id, { title: id }]));
    const { url } = await seeded(docs);
    const model = connect(url, { unloadDelayMs: 0 });
    await model.subscribe(['todos.a', [model.at('todos.b')]], 'todos.c.title');
    await model.at('todos.d').subscribe();
    await model.at('todos').subscribe('e', ['f']);
    expect(Object.keys(model.get<object>('todos') ?? {}).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);

    await model.unsubscribe(model.at('todos.a'), ['todos.b', 'todos.c']);
    await model.scope('todos.d').unsubscribe();
    await model.at('todos').unsubscribe(['e', model.at('todos.f.title')]);
    await waitFor(() => model.get('todos') === undefined, 2000, 'every document to leave');
  });

  it('rejects an item that is not a path, a scoped model or an array, and a path above a document', async () => {
    const { url } = await serve();
    const model = connect(url);
    await expect(model.subscribe(42 as never)).rejects.toThrow(TypeError);
    await expect(model.subscribe('todos')).rejects.toThrow(/document/);
    await expect(model.fetch('todos..a')).rejects.toThrow(/invalid path/);
  });

  it('fetches the current data once and no later updates', async () => {
    const { url } = await seeded({ a: { n: 1 } });
    const fetcher = connect(url);
    const watcher = connect(url);
    const writer = connect(url);
    await fetcher.fetch('todos.a');
    await watcher.subscribe('todos.a');
    expect(fetcher.get('todos.a')).toEqual({ n: 1 });
    await writeFrom(writer, 'todos.a.n', 2);
    await waitFor(() => watcher.get('todos.a.n') === 2, 5000, 'the subscriber to see n = 2');
    await sleep(100);
    expect(fetcher.get('todos.a')).toEqual({ n: 1 });
  });

  it('stops live updates once the last subscription is released while a fetch still holds the document', async () => {
    const { url } = await seeded({ a: { n: 1 } });
    const model = connect(url, { unloadDelayMs: 10 });
    const watcher = connect(url);
    const writer = connect(url);
    await model.fetch('todos.a');
    await model.subscribe('todos.a');
    await watcher.subscribe('todos.a');
    await model.unsubscribe('todos.a');
    await sleep(100);
    await writeFrom(writer, 'todos.a.n', 2);
    await waitFor(() => watcher.get('todos.a.n') === 2, 5000, 'the subscriber to see n = 2');
    await sleep(100);
    // Still held by the fetch, but no longer live: like a document that was only fetched.
    expect(model.get('todos.a')).toEqual({ n: 1 });
  });

  it('keeps a document subscribed twice and unsubscribed once, live', async () => {
    const { url } = await seeded({ a: { n: 1 } });
    const model = connect(url, { unloadDelayMs: 20 });
    const writer = connect(url);
    const unloads: ModelEvent[] = [];
    model.on('unload', 'todos.*', (event) => unloads.push(event));
    await model.subscribe('todos.a');
    await model.subscribe('todos.a');
    await model.unsubscribe('todos.a');
    await sleep(120);
    expect(model.get('todos.a')).toEqual({ n: 1 });
    await writeFrom(writer, 'todos.a.n', 2);
    await waitFor(() => model.get('todos.a.n') === 2, 5000, 'a change after one of two unsubscribes');

    await model.unsubscribe('todos.a');
    await waitFor(() => model.get('todos.a') === undefined, 2000, 'the document to leave');
    expect(unloads).toEqual([{ type: 'unload', path: 'todos.a', previous: { n: 2 }, previousDocument: { n: 2 }, passed: {}, remote: false }]);
  });

  it('counts fetches like subscriptions: the document stays until the last unfetch', async () => {
    const { url } = await seeded({ a: { n: 1 } });
    const model = connect(url, { unloadDelayMs: 20 });
    await model.fetch('todos.a');
    await model.fetch('todos.a');
    await model.unfetch('todos.a');
    await sleep(120);
    expect(model.get('todos.a')).toEqual({ n: 1 });
    await model.unfetch('todos.a');
    await waitFor(() => model.get('todos.a') === undefined, 2000, 'the fetched document to leave');
  });

  it('keeps a released document for the unload delay and drops it after that', async () => {
    const { url } = await seeded({ a: { n: 1 } });
    const model = connect(url, { unloadDelayMs: 300 });
    let unloadedAt = 0;
    model.on('unload', 'todos.a', () => (unloadedAt = Date.now()));
    await model.subscribe('todos.a');
    const released = Date.now();
    await model.unsubscribe('todos.a');
    await sleep(100);
    expect(model.get('todos.a')).toEqual({ n: 1 });
    await waitFor(() => unloadedAt > 0, 3000, 'the unload event');
    expect(unloadedAt - released).toBeGreaterThanOrEqual(290);
    expect(model.get('todos.a')).toBeUndefined();
  });

  it('keeps the document, live, when it is subscribed again within the unload delay', async () => {
    const { url } = await seeded({ a: { n: 1 } });
    const model = connect(url, { unloadDelayMs: 150 });
    const writer = connect(url);
    const events: ModelEvent[] = [];
    model.on('all', 'todos.a', (event) => events.push(event));
    await model.subscribe('todos.a');
    await model.unsubscribe('todos.a');
    await sleep(50);
    await model.subscribe('todos.a');
    await sleep(250);
    expect(model.get('todos.a')).toEqual({ n: 1 });
    await writeFrom(writer, 'todos.a.n', 2);
    await waitFor(() => model.get('todos.a.n') === 2, 5000, 'a change after re-subscribing');
    expect(events.map((event) => event.type)).toEqual(['load']);
  });

  it('tells the server it unsubscribed: the server unloads the idle document', async () => {
    const server = await seeded({ a: { n: 1 } }, { unloadDelayMs: 30 });
    const model = connect(server.url, { unloadDelayMs: 10 });
    await model.subscribe('todos.a');
    await sleep(100);
    expect(server.server.roomCount).toBe(1);
    await model.unsubscribe('todos.a');
    await waitFor(() => server.server.roomCount === 0, 3000, 'the server to unload the room');
  });

  it('releases everything on unload(), however often it was held', async () => {
    const { url } = await seeded({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
    const model = connect(url, { unloadDelayMs: 10 });
    await model.subscribe('todos.a');
    await model.subscribe('todos.a');
    await model.fetch('todos.b');
    await model.at('todos.c').subscribe();
    await model.at('todos.c').unload();
    await waitFor(() => model.get('todos') === undefined, 2000, 'every document to leave');
    // Held again afterwards, a document loads fresh.
    await model.subscribe('todos.b');
    expect(model.get('todos.b')).toEqual({ n: 2 });
  });

  it('keeps a released document until the server stored its local changes', async () => {
    const { url, storage } = await gatedServer();
    const model = connect(url, { unloadDelayMs: 10 });
    await model.subscribe('todos.a');
    storage.hold();
    model.set('todos.a', { title: 'unsaved' });
    await model.unsubscribe('todos.a');
    await sleep(150);
    expect(model.get('todos.a')).toEqual({ title: 'unsaved' });
    expect(model.hasPending()).toBe(true);
    storage.release();
    await model.whenNothingPending();
    await waitFor(() => model.get('todos.a') === undefined, 2000, 'the document to leave once stored');
  });
});
