/** Regressions found in review: the client's connection and holds under hostile or unlucky conditions. */
import { createServer, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createModel } from '../../src/index.ts';
import { subscribedMessage } from '../../src/protocol/subscribed-message.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { FakeServer, Opened, freePort, recordStates, sleep, startServerOn } from '../helpers/client-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** The outcome of a promise, observed from now on (so an early rejection is never unhandled). */
function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    (value) => (typeof value === 'string' && /^(resolved|rejected)/.test(value) ? value : 'resolved'),
    (e: Error) => `rejected: ${e.message}`,
  );
}

const settledWithin = (p: Promise<unknown>, ms: number): Promise<string> =>
  Promise.race([outcome(p), sleep(ms).then(() => 'pending')]);

it('settles subscribe and whenNothingPending with an error after a 4401 refusal', async () => {
  const test = opened.server(await startServer({ authenticate: () => { throw new Error('no'); } }));
  const model = opened.model(client(test.url, { token: 'bad' }));
  const sub = outcome(model.subscribe('todos.a'));
  model.set('todos.b.x', 1);
  await waitFor(() => model.connection.error === 'unauthorized', 5000, 'the refusal');
  const [s, w] = await Promise.all([settledWithin(sub, 5000), settledWithin(outcome(model.whenNothingPending()), 5000)]);
  expect(s).toMatch(/^rejected: .*unauthorized/);
  expect(w).toMatch(/^rejected: .*unauthorized/);
});

it('keeps growing the backoff when the server accepts and closes at once', async () => {
  const fake = await FakeServer.start();
  opened.defer(() => fake.close());
  // A server that refuses every connection right after the upgrade (e.g. 4429, 4400, 1011 from a proxy).
  const wssSockets = fake.sockets;
  const timer = setInterval(() => { for (const s of wssSockets) if (s.readyState === 1) s.close(4429, 'too many'); }, 1);
  opened.defer(() => clearInterval(timer));
  const model = opened.model(createModel({ url: fake.url, WebSocket: WebSocket as never })); // default backoff 250 ms .. 10 s
  const states = recordStates(model);
  await sleep(4000);
  const attempts = states.states.filter((s) => s.state === 'connecting').length;
  // With exponential backoff (250, 500, 1000, 2000 ms ...) there would be about 4-6 attempts.
  expect(attempts).toBeLessThan(8);
});

it('retries when the handshake never completes', async () => {
  const sockets: Socket[] = [];
  const tcp = createServer((s) => sockets.push(s)); // accepts TCP, never answers the HTTP upgrade
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
  opened.defer(() => { for (const s of sockets) s.destroy(); tcp.close(); });
  const port = (tcp.address() as { port: number }).port;
  const model = client(`ws://127.0.0.1:${port}/`, { keepAliveMs: 100 }); // dead-socket detection at 200 ms
  opened.defer(() => { for (const s of sockets) s.destroy(); return sleep(50).then(() => model.close()); });
  const states = recordStates(model);
  // A second attempt, after the first hung handshake was given up (offline).
  await waitFor(() => sockets.length > 1 && states.states.some((s) => s.state === 'offline'), 15_000, 'a retry after a hung handshake');
});

it('keeps a healthy socket while writing to a server whose storage is slow', async () => {
  const { url, storage } = await opened.gatedServer();
  const model = opened.connect(url, { keepAliveMs: 200 }); // ping after 200 ms idle, drop after 400 ms silent
  await model.subscribe('todos.a');
  const states = recordStates(model);
  storage.hold(); // storage is slow: no acks for a while, but the server is alive and would answer a ping
  for (let i = 0; i < 30; i++) { model.set('todos.a.n', i); await sleep(50); }
  const drops = states.states.filter((s) => s.state === 'offline').length;
  storage.release();
  expect(drops).toBe(0);
});

it('subscribes to more than 64 documents through an async authenticate', async () => {
  const test = opened.server(
    await startServer({ authenticate: async () => { await sleep(30); return {}; } }),
  );
  // Seed the documents with another model first (so the server-side data exists).
  const model = opened.model(client(test.url));
  const states = recordStates(model);
  const paths = Array.from({ length: 80 }, (_, i) => `todos.d${i}`);
  const subscribed = model.subscribe(paths as never);
  const outcome = await Promise.race([subscribed.then(() => 'subscribed'), sleep(15_000).then(() => 'timeout')]);
  const reconnects = states.states.filter((s) => s.state === 'connecting').length;
  expect(outcome).toBe('subscribed');
  expect(reconnects).toBeLessThanOrEqual(1);
});

it('rejects a subscribe made offline when the model closes', async () => {
  const port = await freePort(); // nothing listens
  const model = client(`ws://127.0.0.1:${port}/`);
  const p = outcome(model.subscribe('todos.a'));
  await sleep(50);
  model.close();
  expect(await settledWithin(p, 5000)).not.toBe('pending');
});

it('rejects a subscribe made offline once its document is released and unloaded', async () => {
  const port = await freePort();
  const model = opened.model(client(`ws://127.0.0.1:${port}/`, { unloadDelayMs: 10 }));
  const p = outcome(model.subscribe('todos.a'));
  await model.unsubscribe('todos.a');
  await waitFor(() => model.store.entry('todos', 'a') === undefined, 5000, 'the document unloaded from the model');
  opened.server(await startServerOn(port));
  await waitFor(() => model.connection.state === 'online', 10_000, 'the client back online');
  expect(await settledWithin(p, 5000)).not.toBe('pending');
});

it('settles a subscribe in flight when the connection drops and comes back', async () => {
  const fake = await FakeServer.start();
  opened.defer(() => fake.close());
  const model = opened.model(client(fake.url));
  const p = outcome(model.subscribe('todos.a'));
  await waitFor(() => fake.messages().some((m) => m.kind === 1), 5000, 'the subscribe sent');
  fake.dropAll();
  await waitFor(() => fake.messages().filter((m) => m.kind === 1).length >= 2, 3000, 'the subscribe sent again');
  const again = fake.messages().filter((m) => m.kind === 1).at(-1) as { request: number; doc: string };
  fake.send(subscribedMessage.encode({ request: again.request, doc: again.doc }));
  expect(await settledWithin(p, 5000)).toBe('resolved');
});

it('settles a fetch made offline followed by a subscribe of the same document', async () => {
  const port = await freePort();
  const model = opened.model(client(`ws://127.0.0.1:${port}/`));
  const fetched = outcome(model.fetch('todos.a'));
  const subscribed = outcome(model.subscribe('todos.a'));
  await sleep(50);
  opened.server(await startServerOn(port));
  const [f, s] = await Promise.all([settledWithin(fetched, 10_000), settledWithin(subscribed, 10_000)]);
  expect(f).toBe('resolved');
  expect(s).toBe('resolved');
});

it('reports a listener that throws on a remote change without breaking the socket handler', async () => {
  const uncaught: unknown[] = [];
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const mine = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', mine);
  opened.defer(() => { process.off('uncaughtException', mine); for (const l of listeners) process.on('uncaughtException', l); });

  const test = opened.server(await startServer());
  const a = opened.model(client(test.url));
  const b = opened.model(client(test.url));
  await Promise.all([a.subscribe('todos.a'), b.subscribe('todos.a')]);
  let heard = 0;
  b.on('change', 'todos.a.**', () => { heard += 1; throw new Error('app bug in a listener'); });
  a.set('todos.a.x', 1);
  await waitFor(() => heard > 0, 5000, 'the remote change at b');
  await new Promise((resolve) => setImmediate(resolve)); // an uncaught exception would have been raised by now
  expect(uncaught).toEqual([]);
  a.set('todos.a.y', 2); // the socket handler still works: the next remote change arrives too
  await waitFor(() => heard > 1, 5000, 'the next remote change at b');
  expect(uncaught).toEqual([]);
});
