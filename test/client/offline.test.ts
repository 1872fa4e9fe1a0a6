import { IDBDatabase, IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { indexedDbStore } from '../../src/client/indexeddb-store.ts';
import { createModel, type Model } from '../../src/index.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { freePort, Opened, reusable, startServerOn } from '../helpers/client-fixtures.ts';
import { client, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';
import { within } from '../helpers/server-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** A browser profile: one IndexedDB shared by every page load. */
class Profile {
  readonly factory = new IDBFactory();
  readonly name = `offline-${Math.random().toString(36).slice(2)}`;

  /** A model of a new page load of this profile. */
  page(url: string): Model {
    return opened.model(client(url, { offline: indexedDbStore({ name: this.name, indexedDB: this.factory }) }));
  }
}

/** A server on a fixed port whose data survives a restart. */
class RestartableServer {
  readonly storage = memoryStorage();
  current: TestServer | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<void> {
    this.current = await startServerOn(this.port, { storage: reusable(this.storage) });
    opened.defer(() => this.current?.server.close());
  }

  async stop(): Promise<void> {
    await this.current?.server.close();
    this.current = null;
  }
}

/**
 * Watches the read-write transactions every IndexedDB connection starts;
 * `abortFrom(n)`: the n-th one and later abort as soon as they start (the
 * page died).
 */
function watchTransactions() {
  const started: IDBTransaction[] = [];
  const finished = new Set<IDBTransaction>();
  let abortFrom = Infinity;
  const original = IDBDatabase.prototype.transaction;
  const spy = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
    const tx = original.apply(this, args);
    if (args[1] !== 'readwrite') return tx;
    started.push(tx);
    const settle = (): void => void finished.add(tx);
    tx.addEventListener('complete', settle);
    tx.addEventListener('abort', settle);
    if (started.length >= abortFrom) tx.abort();
    return tx;
  });
  opened.defer(() => spy.mockRestore());
  return {
    started,
    /** True when the transaction committed or aborted. */
    settled: (tx: IDBTransaction | undefined) => tx !== undefined && finished.has(tx),
    /** True when every transaction started so far committed or aborted. */
    allSettled: () => started.every((tx) => finished.has(tx)),
    abortFrom(n: number): void {
      abortFrom = n;
    },
    restore: () => spy.mockRestore(),
  };
}

/** A URL where no server listens. */
async function nowhere(): Promise<string> {
  return `ws://127.0.0.1:${await freePort()}/`;
}

/** The value of a stored document (the merge of its updates), as a fresh page load reads it. */
async function storedValue(profile: Profile, doc: string): Promise<unknown> {
  const store = indexedDbStore({ name: profile.name, indexedDB: profile.factory });
  try {
    const update = (await store.loadDocs([doc])).get(doc);
    const ydoc = new Y.Doc();
    if (update) Y.applyUpdate(ydoc, update);
    return update ? ydoc.getMap('data').toJSON() : undefined;
  } finally {
    await store.close();
  }
}

async function restartable(): Promise<RestartableServer> {
  const server = new RestartableServer(await freePort());
  await server.start();
  return server;
}

describe('offline store', () => {
  it('shows the last data at once after a reload while the server is unreachable, and accepts edits', async () => {
    const server = await restartable();
    const profile = new Profile();
    const first = profile.page(server.url);
    await first.subscribe('todos.a');
    first.set('todos.a', { title: 'milk', done: false });
    await first.whenNothingPending();
    first.close();
    await server.stop();

    const reloaded = profile.page(server.url);
    await within(reloaded.subscribe('todos.a'), 2000, 'subscribe from the offline copy');
    expect(reloaded.get('todos.a')).toEqual({ title: 'milk', done: false });
    expect(reloaded.connection.state).not.toBe('online');
    reloaded.set('todos.a.done', true);
    expect(reloaded.get('todos.a.done')).toBe(true);

    await server.start();
    await within(reloaded.whenNothingPending(), 5000, 'the offline edit reaching the server');
    const other = opened.model(client(server.url));
    await other.subscribe('todos.a');
    expect(other.get('todos.a')).toEqual({ title: 'milk', done: true });
  });

  it('sends edits made before a reload, while offline, once the server is back', async () => {
    const server = await restartable();
    const profile = new Profile();
    const first = profile.page(server.url);
    await first.subscribe('todos.a', 'todos.b');
    first.set('todos.a.title', 'milk');
    first.set('todos.b.title', 'eggs');
    await first.whenNothingPending();
    await server.stop();
    await waitFor(() => first.connection.state !== 'online', 2000, 'the client to notice');
    first.set('todos.a.title', 'oat milk');
    first.set('todos.b.done', true);
    first.close(); // the page is reloaded before the server is back

    const reloaded = profile.page(server.url);
    // Only todos.a is used after the reload: todos.b's edit is sent all the same.
    await within(reloaded.subscribe('todos.a'), 2000, 'subscribe from the offline copy');
    expect(reloaded.get('todos.a.title')).toBe('oat milk');
    expect(reloaded.connection.state).not.toBe('online');

    await server.start();
    await within(reloaded.whenNothingPending(), 5000, 'the edits of the earlier page load reaching the server');
    const other = opened.model(client(server.url));
    await other.subscribe('todos.a', 'todos.b');
    expect(other.get('todos.a.title')).toBe('oat milk');
    expect(other.get('todos.b')).toEqual({ title: 'eggs', done: true });
  });

  it('merges offline edits with concurrent edits of another client', async () => {
    const server = await restartable();
    const profile = new Profile();
    const page = profile.page(server.url);
    await page.subscribe('todos.a');
    page.set('todos.a', { title: 'milk', tags: ['x'] });
    await page.whenNothingPending();
    page.close();
    await server.stop();

    const reloaded = profile.page(server.url);
    await within(reloaded.subscribe('todos.a'), 2000, 'subscribe from the offline copy');
    reloaded.push('todos.a.tags', 'mine');
    await server.start();
    const other = opened.model(client(server.url));
    await other.subscribe('todos.a');
    other.push('todos.a.tags', 'theirs');
    await within(Promise.all([reloaded.whenNothingPending(), other.whenNothingPending()]), 5000, 'both stored');
    await waitFor(() => (reloaded.get('todos.a.tags') as string[]).length === 3 && (other.get('todos.a.tags') as string[]).length === 3, 3000, 'convergence');
    expect(reloaded.get('todos.a.tags')).toEqual(other.get('todos.a.tags'));
    expect([...(reloaded.get('todos.a.tags') as string[])].sort()).toEqual(['mine', 'theirs', 'x']);
  });

  it('runs a query over its stored result after a reload without a server, then takes the server result', async () => {
    const server = await restartable();
    const writer = opened.model(client(server.url));
    await writer.subscribe('todos.a', 'todos.b', 'todos.c');
    writer.set('todos.a', { title: 'a', done: false, at: 1 });
    writer.set('todos.b', { title: 'b', done: true, at: 2 });
    writer.set('todos.c', { title: 'c', done: false, at: 3 });
    await writer.whenNothingPending();

    const profile = new Profile();
    const expression = { done: false, $sort: { at: 1 } } as const;
    const first = profile.page(server.url);
    const query = first.query('todos', expression);
    await query.subscribe();
    expect(query.getIds()).toEqual(['a', 'c']);
    first.close();
    await server.stop();

    const reloaded = profile.page(server.url);
    const again = reloaded.query('todos', expression);
    await within(again.subscribe(), 2000, 'the query from the offline copy');
    expect(again.status).toBe('local');
    expect(again.getIds()).toEqual(['a', 'c']);
    reloaded.set('todos.a.done', true); // an offline edit changes the local result at once
    expect(again.getIds()).toEqual(['c']);

    await server.start();
    await waitFor(() => again.status === 'complete', 5000, 'the server answer');
    await within(reloaded.whenNothingPending(), 5000, 'the edit stored');
    await waitFor(() => again.getIds().join() === 'c', 3000, 'the result after the server answer');
  });

  it('loads the documents written offline before a reload, so queries over the model include them', async () => {
    const server = await restartable();
    const profile = new Profile();
    const expression = { done: false } as const;
    const first = profile.page(server.url);
    const query = first.query('todos', expression);
    await query.subscribe();
    await server.stop();
    await waitFor(() => first.connection.state !== 'online', 2000, 'the client to notice');
    first.add('todos', { id: 'offline', done: false, title: 'written offline' });
    expect(query.getIds()).toEqual(['offline']);
    first.close();

    const reloaded = profile.page(server.url);
    const again = reloaded.query('todos', expression);
    void again.subscribe().catch(() => undefined);
    await waitFor(() => again.getIds().includes('offline'), 2000, 'the offline document in the local result');
    await server.start();
    await within(reloaded.whenNothingPending(), 5000, 'the write stored');
    await waitFor(() => again.status === 'complete', 5000, 'the server answer');
    expect(again.getIds()).toEqual(['offline']);
  });

  it('has nothing pending after subscribing to a document with deletions it already has', async () => {
    const server = await restartable();
    const writer = opened.model(client(server.url));
    await writer.subscribe('todos.d');
    writer.set('todos.d', { title: 'x', tags: ['a', 'b'] });
    writer.del('todos.d.title');
    writer.remove('todos.d.tags', 0);
    await writer.whenNothingPending();
    const reader = opened.model(client(server.url));
    let pendingSeen = false;
    const stop = reader.connection.watch(() => (pendingSeen ||= reader.hasPending()));
    await reader.subscribe('todos.d');
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(reader.get('todos.d')).toEqual({ tags: ['b'] });
    expect(pendingSeen).toBe(false);
  });

  it('waits for the server as before when nothing is stored for a document', async () => {
    const server = await restartable();
    const profile = new Profile();
    const page = profile.page(server.url);
    await page.subscribe('todos.new');
    expect(page.get('todos.new')).toBeUndefined();
    expect(page.connection.state).toBe('online');
  });

  it('batches writes until whenStoredOffline starts them, and whenStoredOffline resolves once they are committed', async () => {
    const profile = new Profile();
    const page = profile.page(await nowhere());
    await page.whenStoredOffline(); // the database is open
    const transactions = watchTransactions();
    page.add('todos', { id: 'a', title: 'milk' });
    page.set('todos.a.done', true);
    expect(transactions.started).toHaveLength(0); // waiting for the batch
    const stored = page.whenStoredOffline();
    // Started before whenStoredOffline returns, as on pagehide: a reload right after cannot beat it.
    expect(transactions.started).toHaveLength(1);
    await within(stored, 5000, 'whenStoredOffline');
    expect(transactions.settled(transactions.started[0])).toBe(true);
    await page.whenStoredOffline();
    expect(transactions.allSettled()).toBe(true);
    transactions.restore();
    expect(await storedValue(profile, 'todos/a')).toMatchObject({ title: 'milk', done: true });
  });

  it('resolves whenStoredOffline at once without an offline store', async () => {
    await expect(opened.model(client(await nowhere(), { offline: false })).whenStoredOffline()).resolves.toBeUndefined();
    await expect(createModel().whenStoredOffline()).resolves.toBeUndefined();
  });

  it('keeps the pending writes of an earlier page load when the page taking them over dies right after', async () => {
    const url = await nowhere();
    const profile = new Profile();
    const first = profile.page(url);
    first.add('todos', { id: 'a', title: 'written offline' });
    await first.whenStoredOffline();
    first.close();

    // The next load takes them over; its page dies right after: every later transaction aborts.
    const transactions = watchTransactions();
    transactions.abortFrom(2);
    const second = profile.page(url);
    await waitFor(() => second.hasPending(), 5000, 'the writes taken over');
    await waitFor(() => transactions.allSettled(), 5000, 'the transactions to settle');
    transactions.restore();

    const third = indexedDbStore({ name: profile.name, indexedDB: profile.factory });
    opened.defer(() => third.close());
    const taken = await third.adoptPending();
    expect(taken.map((record) => record.doc)).toEqual(['todos/a']);
  });

  it('throws a TypeError naming the option when offline is not a store', () => {
    expect(() => client('ws://127.0.0.1:1/', { offline: 'localStorage' as never })).toThrow(/offline/);
  });
});
