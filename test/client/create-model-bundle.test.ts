import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Model, ModelBundle } from '../../src/index.ts';
import { Opened, sleep } from '../helpers/client-fixtures.ts';
import { client, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

interface Rendered {
  readonly t: TestServer;
  /** What `model.bundle()` of an in-process model returned, after a JSON round trip (as a page embeds it). */
  readonly bundle: ModelBundle;
  /** A client that writes to the server, subscribed to todos.a and todos.b. */
  readonly writer: Model;
}

/** A server holding todos.a and todos.b, and the bundle of an in-process model subscribed to a and fetching b. */
async function serverSideRender(): Promise<Rendered> {
  const t = await opened.serve();
  const writer = opened.connect(t.url);
  writer.add('todos', { id: 'a', title: 'Milk', n: 1 });
  writer.add('todos', { id: 'b', title: 'Bread' });
  writer.stringInsert('todos.a.title', 4, '!');
  await writer.whenNothingPending();
  await writer.subscribe('todos.a', 'todos.b');
  const ssr = opened.model(t.server.createModel());
  await ssr.subscribe('todos.a');
  await ssr.fetch('todos.b');
  ssr.set('_page.filter', 'all');
  const bundle = JSON.parse(JSON.stringify(await ssr.bundle())) as ModelBundle;
  ssr.close();
  return { t, bundle, writer };
}

describe('createModel({ url, bundle })', () => {
  it("has the bundle's data synchronously, before the connection opens", async () => {
    const { t, bundle } = await serverSideRender();
    const model = opened.model(client(t.url, { bundle }));
    expect(model.connection.state).toBe('connecting');
    expect(model.get('todos.a')).toEqual({ id: 'a', title: 'Milk!', n: 1 });
    expect(model.get('todos.b')).toEqual({ id: 'b', title: 'Bread' });
    expect(model.get('_page.filter')).toBe('all');
    expect(model.isLoaded('todos.a')).toBe(true);
    expect(model.isLoaded('todos')).toBe(true);
    expect(model.hasPending()).toBe(false);
    await model.subscribe('todos.a'); // settles with the bundle's own subscribe (closing before it logs an error, see below)
    await sleep(10);
  });

  it("subscribes again to the bundle's subscriptions and receives later remote changes", async () => {
    const { t, bundle, writer } = await serverSideRender();
    const model = opened.model(client(t.url, { bundle }));
    await waitFor(() => t.server.connectionCount === 2, 3000, 'the connection');
    writer.set('todos.a.title', 'Oat milk');
    await waitFor(() => model.get('todos.a.title') === 'Oat milk', 3000, 'the remote change');
    writer.increment('todos.a.n', 2);
    await waitFor(() => model.get('todos.a.n') === 3, 3000, 'the second remote change');
    expect(model.hasPending()).toBe(false);
  });

  it('catches up with changes made between the render and the resume', async () => {
    const { t, bundle, writer } = await serverSideRender();
    writer.stringInsert('todos.a.title', 0, 'Oat ');
    await writer.whenNothingPending();
    const model = opened.model(client(t.url, { bundle }));
    expect(model.get('todos.a.title')).toBe('Milk!');
    await waitFor(() => model.get('todos.a.title') === 'Oat Milk!', 3000, 'the missed change');
  });

  it("does not subscribe to the bundle's fetched documents", async () => {
    const { t, bundle, writer } = await serverSideRender();
    const model = opened.model(client(t.url, { bundle }));
    const watcher = opened.connect(t.url);
    await watcher.subscribe('todos.b');
    await waitFor(() => model.connection.state === 'online', 3000, 'online');
    writer.set('todos.b.title', 'Rye');
    writer.set('todos.a.title', 'marker');
    // The writer's change of todos.b went to the server before its marker: relayed to the model, it would have come first.
    await waitFor(() => watcher.get('todos.b.title') === 'Rye' && model.get('todos.a.title') === 'marker', 5000, 'the changes');
    expect(model.get('todos.b.title')).toBe('Bread');
  });

  it('merges an edit made before connecting with concurrent edits on the server, character by character', async () => {
    const { t, bundle, writer } = await serverSideRender();
    const model = opened.model(client(t.url, { bundle, connect: false }));
    model.stringInsert('todos.a.title', 5, ' and eggs');
    writer.stringInsert('todos.a.title', 0, 'Oat ');
    await writer.whenNothingPending();
    model.connect();
    await model.whenNothingPending();
    await waitFor(() => writer.get('todos.a.title') === 'Oat Milk! and eggs', 3000, 'the writer to converge');
    await waitFor(() => model.get('todos.a.title') === 'Oat Milk! and eggs', 3000, 'the model to converge');
    expect(t.logs.filter((line) => line.startsWith('error'))).toEqual([]);
  });
});

describe('createModel({ connect: false })', () => {
  it('opens no socket until model.connect(), then subscribes and goes live', async () => {
    const { t, bundle, writer } = await serverSideRender();
    expect(t.server.connectionCount).toBe(1);
    const model = opened.model(client(t.url, { bundle, connect: false }));
    expect(model.get('todos.a.title')).toBe('Milk!');
    await sleep(150);
    expect(t.server.connectionCount).toBe(1);
    expect(model.connection.state).toBe('offline');

    writer.set('todos.a.title', 'while disconnected');
    await writer.whenNothingPending();
    model.connect();
    model.connect(); // a second call does nothing
    await waitFor(() => model.connection.state === 'online', 3000, 'online');
    expect(t.server.connectionCount).toBe(2);
    await waitFor(() => model.get('todos.a.title') === 'while disconnected', 3000, 'the catch-up');
    writer.set('todos.a.title', 'live');
    await waitFor(() => model.get('todos.a.title') === 'live', 3000, 'the live change');
    await sleep(50);
    expect(t.server.connectionCount).toBe(2);
  });

  it('keeps writes made before connect() and sends them once connected', async () => {
    const { t, bundle, writer } = await serverSideRender();
    const model = opened.model(client(t.url, { bundle, connect: false }));
    let stored = false;
    model.set('todos.a.done', true, (error) => (stored = error === undefined));
    expect(model.hasPending('todos.a')).toBe(true);
    await sleep(50);
    expect(writer.get('todos.a.done')).toBeUndefined();
    model.connect();
    await model.whenNothingPending();
    expect(stored).toBe(true);
    await waitFor(() => writer.get('todos.a.done') === true, 3000, 'the write to reach the writer');
  });

  // Bug (noise): createModel re-subscribes to the bundle's documents and reports a failure with
  // console.error; closing the model before it connected (a page left at once) rejects that subscribe
  // with "the model was closed", so an ordinary close logs an error.
  it('logs nothing when the model is closed before it connects', async () => {
    const { t, bundle } = await serverSideRender();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const model = client(t.url, { bundle, connect: false });
      model.close();
      await sleep(20);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });
});
