import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncClient } from '../../src/client/sync-client.ts';
import type { ConnectionState, CreateModelOptions, Model } from '../../src/index.ts';
import { memoryStorage, type ServerOptions } from '../../src/server/index.ts';
import { freePort, Opened, recordStates, reusable, sleep, startServerOn } from '../helpers/client-fixtures.ts';
import { client, startServer, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

const serve = async (options: Partial<ServerOptions> = {}): Promise<TestServer> => opened.server(await startServer(options));
const connect = (url: string, options: CreateModelOptions = {}): Model => opened.model(client(url, options));
const online = (model: Model, what = 'the model to be online'): Promise<void> =>
  waitFor(() => model.connection.state === 'online', 5000, what);
/** Consecutive duplicates removed. */
const collapse = (states: readonly string[]): string[] => states.filter((state, i) => state !== states[i - 1]);
/** How a promise settled within `ms` ('stuck' if it did not); never leaves a rejection unhandled. */
const outcomeWithin = (promise: Promise<unknown>, ms: number): Promise<string> =>
  Promise.race([promise.then(() => 'resolved', () => 'rejected'), sleep(ms).then(() => 'stuck')]);
const tokenOf = (request: IncomingMessage): string | null => new URL(request.url ?? '/', 'http://x').searchParams.get('token');

describe('model.connection', () => {
  it('starts connecting, goes online, and mirrors the state at $connection.state', async () => {
    const { url } = await serve();
    const model = connect(url);
    expect(model.connection.state).toBe('connecting');
    expect(model.get('$connection.state')).toBe('connecting');
    expect(model.connection.url).toBe(url);
    await online(model);
    expect(model.get('$connection.state')).toBe('online');
    expect(model.connection.error).toBeNull();
  });

  it('goes offline when the server stops and back online when it returns, telling listeners and $connection events', async () => {
    const port = await freePort();
    const storage = reusable(memoryStorage());
    const first = opened.server(await startServerOn(port, { storage }));
    const model = connect(first.url);
    await online(model);
    const heard: ConnectionState[] = [];
    const stop = model.connection.on((state) => heard.push(state));
    const changes: unknown[] = [];
    model.on('change', '$connection.state', (event) => changes.push(event.value));
    const mirrored: boolean[] = [];
    model.connection.on(() => mirrored.push(model.get('$connection.state') === model.connection.state));

    await first.server.close();
    await waitFor(() => heard.includes('offline'), 5000, 'offline');
    await waitFor(() => heard.includes('connecting'), 5000, 'a reconnect attempt');
    opened.server(await startServerOn(port, { storage }));
    await waitFor(() => heard[heard.length - 1] === 'online', 5000, 'back online');

    expect(collapse(heard).slice(0, 2)).toEqual(['offline', 'connecting']);
    expect(heard[heard.length - 1]).toBe('online');
    expect(changes).toEqual(heard);
    expect(mirrored.every(Boolean)).toBe(true);
    stop();
    (model.store.sync as SyncClient).disconnect();
    await waitFor(() => changes.length > heard.length, 2000, 'a change event after the listener stopped');
    await online(model);
    expect(heard[heard.length - 1]).toBe('online');
    expect(heard.length).toBeLessThan(changes.length);
  });

  it('reconnects by itself after disconnect() and resubscribes', async () => {
    const { url } = await serve();
    const model = connect(url);
    const writer = connect(url);
    await model.subscribe('todos.a');
    await writer.subscribe('todos.a');
    const states = recordStates(model);
    (model.store.sync as SyncClient).disconnect();
    expect(model.connection.state).toBe('offline');
    writer.set('todos.a.title', 'while away');
    await writer.whenNothingPending();
    await online(model, 'the reconnect');
    await waitFor(() => model.get('todos.a.title') === 'while away', 5000, 'the change made while away');
    expect(collapse(states.states.map((s) => s.state))).toEqual(['offline', 'connecting', 'online']);
    states.stop();
  });

  it('sends the token and stops reconnecting with error "unauthorized" when refused', async () => {
    const tokens: Array<string | null> = [];
    const { url } = await serve({
      authenticate: async (request) => {
        tokens.push(tokenOf(request));
        if (tokenOf(request) !== 'good') throw new Error('bad token');
        return { user: 'u1' };
      },
    });
    const accepted = connect(url, { token: 'good' });
    await online(accepted);
    const refused = connect(url, { token: 'bad' });
    const states = recordStates(refused);
    await waitFor(() => refused.connection.error === 'unauthorized', 5000, 'the refusal');
    expect(refused.connection.state).toBe('offline');
    expect(refused.get('$connection.error')).toBe('unauthorized');
    await sleep(300);
    expect(states.states.filter((s) => s.state === 'connecting')).toHaveLength(0);
    expect(tokens).toEqual(['good', 'bad']);
    states.stop();
  });

  it('refuses a client when authenticate throws synchronously, and the server keeps serving', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { url } = await serve({
        authenticate: (request) => {
          if (tokenOf(request) !== 'good') throw new Error('bad token');
          return {};
        },
      });
      const refused = connect(url, { token: 'bad' });
      await waitFor(() => refused.connection.error === 'unauthorized', 5000, 'the refusal');
      const accepted = connect(url, { token: 'good' });
      accepted.set('todos.a.n', 1);
      await accepted.whenNothingPending();
      await sleep(50);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled.map(String)).toEqual([]);
  });

  it('resolves a subscribe and a fetch made while offline once the server is back', async () => {
    const port = await freePort();
    const storage = reusable(memoryStorage());
    const first = opened.server(await startServerOn(port, { storage }));
    const writer = connect(first.url);
    writer.set('todos.a', { n: 1 });
    writer.set('todos.b', { n: 2 });
    await writer.whenNothingPending();
    const model = connect(first.url);
    await online(model);
    await first.server.close();
    await waitFor(() => model.connection.state !== 'online', 5000, 'offline');
    let settled = false;
    const held = Promise.all([model.subscribe('todos.a'), model.fetch('todos.b')]).finally(() => (settled = true));
    await sleep(100);
    expect(settled).toBe(false);
    opened.server(await startServerOn(port, { storage }));
    await held;
    expect(model.get('todos')).toEqual({ a: { n: 1 }, b: { n: 2 } });
  });

  it('keeps syncing when a connection listener throws', async () => {
    const { url } = await serve();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    opened.defer(() => process.off('uncaughtException', onUncaught));
    const model = connect(url);
    model.connection.on(() => {
      throw new Error('a buggy connection listener');
    });
    model.on('change', '$connection.state', () => {
      throw new Error('a buggy $connection listener');
    });
    model.set('todos.a.x', 1);
    const subscribed = model.subscribe('todos.b');
    await waitFor(() => model.connection.state === 'online', 5000, 'online');
    expect(await outcomeWithin(subscribed, 2000)).toBe('resolved');
    expect(await outcomeWithin(model.whenNothingPending(), 2000)).toBe('resolved');
  });

  it('asks a token function again before every connection attempt', async () => {
    const { url } = await serve({ authenticate: (request) => ({ token: tokenOf(request) }) });
    let calls = 0;
    const seen: string[] = [];
    const model = connect(url, { token: async () => `t${++calls}` });
    await online(model);
    seen.push(`t${calls}`);
    (model.store.sync as SyncClient).disconnect();
    await waitFor(() => calls === 2 && model.connection.state === 'online', 5000, 'a second attempt');
    expect(seen).toEqual(['t1']);
    expect(calls).toBe(2);
  });

  it('closes quietly while its socket is still connecting', async () => {
    const { url } = await serve();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const model = client(url);
      expect(model.connection.state).toBe('connecting');
      model.close();
      const other = client(url);
      (other.store.sync as SyncClient).disconnect();
      await sleep(100);
      await waitFor(() => other.connection.state === 'online', 5000, 'the disconnected model to come back');
      other.close();
      await sleep(50);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught.map(String)).toEqual([]);
  });

  it('does not reconnect every client in the same millisecond after a server restart', async () => {
    const port = await freePort();
    const storage = reusable(memoryStorage());
    const first = opened.server(await startServerOn(port, { storage }));
    const backoff = { baseMs: 200, maxMs: 2000 };
    const models = Array.from({ length: 8 }, () => connect(first.url, { backoff }));
    await Promise.all(models.map((model) => online(model)));
    const records = models.map((model) => recordStates(model));
    await first.server.close();
    const closedAt = Date.now();
    await sleep(30);
    opened.server(await startServerOn(port, { storage }));
    await Promise.all(models.map((model) => online(model, 'every client back online')));
    const attempts = records.map((record) => record.states.find((s) => s.state === 'connecting')?.at ?? 0);
    const back = records.map((record) => record.states.find((s) => s.state === 'online')?.at ?? 0);
    for (const record of records) record.stop();
    const spread = (times: number[]): number => Math.max(...times) - Math.min(...times);
    // First attempts fall in the jitter window [100, 200] ms after the close (attempt 0 of base 200 ms)...
    for (const at of attempts) {
      expect(at - closedAt).toBeGreaterThanOrEqual(90);
      expect(at - closedAt).toBeLessThan(600);
    }
    // ...spread over it rather than bunched together (without jitter they would all come within a few ms).
    expect(spread(attempts)).toBeGreaterThanOrEqual(15);
    expect(spread(back)).toBeGreaterThanOrEqual(15);
    expect(new Set(back).size).toBeGreaterThanOrEqual(5);
  });
});
