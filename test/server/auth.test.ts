import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { SyncClient } from '../../src/client/sync-client.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { pingMessage } from '../../src/protocol/ping-message.ts';
import { readPayload, updatePayload } from '../../src/protocol/sync-payload.ts';
import { createServer, type ServerOptions, type Session } from '../../src/server/index.ts';
import { client, rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import {
  captureUnhandledRejections,
  closedWithin,
  deferred,
  fieldsUpdate,
  loadStored,
  logsSince,
  rawSocketWith,
  recordingStorage,
  sleep,
  subscribeFrame,
  updateFrame,
  updateValue,
  useResources,
  within,
} from '../helpers/server-fixtures.ts';

const resources = useResources();

const tokenOf = (request: IncomingMessage): string | null => new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');

/** A server attached to an HTTP server that counts every upgrade request. */
async function countingServer(options: Omit<ServerOptions, 'storage'>) {
  const http = createHttpServer();
  let upgrades = 0;
  http.on('upgrade', () => (upgrades += 1));
  const logs: string[] = [];
  const storage = recordingStorage();
  const server = createServer({ storage, log: (level, message) => logs.push(`${level}: ${message}`), ...options });
  server.attach(http);
  resources.defer(() => new Promise((resolve) => http.close(resolve)));
  resources.defer(() => http.closeAllConnections());
  resources.defer(() => server.close());
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, storage, logs, url: `ws://127.0.0.1:${port}/`, upgrades: () => upgrades };
}

describe('authenticate', () => {
  it('receives the upgrade request with the token clients send as a query parameter', async () => {
    const seen: string[] = [];
    const t = resources.server(
      await startServer({
        authenticate: (request) => {
          seen.push(request.url ?? '');
          if (tokenOf(request) !== 'good') throw new Error('bad token');
          return { user: 'ann' };
        },
      }),
    );
    const plain = resources.model(client(t.url, { token: 'good' }));
    const refreshed = resources.model(client(t.url, { token: async () => 'good' }));
    await Promise.all([plain.subscribe('todos.a'), refreshed.subscribe('todos.a')]);
    plain.set('todos.a.title', 'authenticated');
    await waitFor(() => refreshed.get('todos.a.title') === 'authenticated', 3000, 'the relayed write');
    expect(seen).toEqual(['/?token=good', '/?token=good']);

    const stock = resources.socket(await rawSocket(t.url, '/todos/a?token=good'));
    await waitFor(() => stock.frames.length > 0, 2000, 'the stock step 1');
    expect(seen[2]).toBe('/todos/a?token=good');
  });

  it('receives the request headers (a token from a header)', async () => {
    const t = resources.server(
      await startServer({
        authenticate: async (request) => {
          if (request.headers.authorization !== 'Bearer abc') throw new Error('no bearer token');
          return {};
        },
      }),
    );
    const accepted = resources.socket(await rawSocketWith(t.url, '', { headers: { authorization: 'Bearer abc' } }));
    accepted.send(subscribeFrame(1, 'todos/a'));
    expect(await accepted.next((m) => m.kind === MessageKind.Subscribed)).toMatchObject({ request: 1 });

    const refused = resources.socket(await rawSocketWith(t.url, '', { headers: { authorization: 'Bearer nope' } }));
    expect(await closedWithin(refused)).toEqual({ code: 4401, reason: 'unauthorized' });
  });

  const throwing = (): Session => {
    throw new Error('no');
  };
  const rejecting = (): Promise<Session> => sleep(30).then(() => Promise.reject(new Error('no')));
  it.each([
    ['throws', throwing, ''],
    ['throws (stock endpoint)', throwing, '/todos/a'],
    ['rejects later', rejecting, ''],
    ['rejects later (stock endpoint)', rejecting, '/todos/a'],
  ])('closes with 4401 when it %s, logs one line, and stores nothing sent meanwhile', async (_how, authenticate, path) => {
    const unhandled = captureUnhandledRejections();
    resources.defer(() => unhandled.stop());
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, authenticate }));
    const from = t.logs.length;
    const raw = resources.socket(await rawSocket(t.url, path));
    const update = fieldsUpdate({ title: 'sneaky' });
    raw.send(path ? updatePayload(update) : updateFrame('todos/a', 1, update));
    expect(await closedWithin(raw)).toEqual({ code: 4401, reason: 'unauthorized' });
    await waitFor(() => logsSince(t.logs, from).length > 0, 5000, 'the log line');
    await sleep(50); // a second line would have had its chance (no later event to wait for on a closed socket)
    const lines = logsSince(t.logs, from);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn: .*authentication refused \(no\)/);
    expect(raw.frames).toEqual([]);
    expect(storage.callsOf('append')).toEqual([]);
    expect(storage.callsOf('load')).toEqual([]);
    expect(t.server.connectionCount).toBe(0);
    expect(unhandled.errors.map(String)).toEqual([]);
  });

  it('stops a refused yracer client from reconnecting', async () => {
    const t = await countingServer({
      authenticate: async (request) => {
        if (tokenOf(request) !== 'good') throw new Error('bad token');
        return {};
      },
    });
    const refused = resources.model(client(t.url, { token: 'bad' }));
    const states: string[] = [];
    refused.connection.on((state) => states.push(state));
    await waitFor(() => refused.connection.error === 'unauthorized', 3000, 'the refusal');
    expect(refused.connection.state).toBe('offline');
    expect(refused.get('$connection.error')).toBe('unauthorized');
    // With a 20-200 ms backoff a reconnecting client would try again several times meanwhile.
    await sleep(700);
    expect(t.upgrades()).toBe(1);
    expect(refused.connection.state).toBe('offline');
    expect(states.filter((s) => s === 'connecting')).toEqual([]);

    // A client with good credentials is served by the same server, and reconnects after a drop.
    const accepted = resources.model(client(t.url, { token: 'good' }));
    await accepted.subscribe('todos.a');
    expect(accepted.connection.error).toBeNull();
    const before = t.upgrades();
    (accepted.store.sync as SyncClient).disconnect();
    await waitFor(() => t.upgrades() > before && accepted.connection.state === 'online', 3000, 'the reconnect');
  });
});

describe('messages before authentication', () => {
  it('queues them until an async authenticate resolves, then handles them in arrival order', async () => {
    const gate = deferred();
    resources.defer(() => gate.resolve());
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, authenticate: () => gate.promise.then(() => ({})) }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(updateFrame('todos/a', 1, fieldsUpdate({ title: 'queued' })));
    raw.send(subscribeFrame(1, 'todos/a'));
    raw.send(subscribeFrame(2, 'todos/b'));
    raw.send(updateFrame('todos/b', 2, fieldsUpdate({ n: 1 })));
    raw.send(pingMessage.encode({}));
    await sleep(100);
    expect(raw.messages).toEqual([]);
    expect(storage.calls).toEqual([]);

    gate.resolve();
    await raw.next((m) => m.kind === MessageKind.Pong);
    await raw.next((m) => m.kind === MessageKind.Ack && m.seq === 2);
    const order = raw.messages.map((m) => {
      if (m.kind === MessageKind.Subscribed) return `subscribed ${m.request}`;
      if (m.kind === MessageKind.Ack) return `ack ${m.seq}`;
      if (m.kind === MessageKind.Pong) return 'pong';
      if (m.kind === MessageKind.Doc) return `${readPayload(m.payload).type} ${m.doc}`;
      return `kind ${m.kind}`;
    });
    const at = (item: string): number => order.indexOf(item);
    expect(at('ack 1')).toBeLessThan(at('ack 2'));
    expect(at('subscribed 1')).toBeLessThan(at('subscribed 2'));
    expect(at('subscribed 2')).toBeLessThan(at('pong'));
    expect(order.filter((item) => item.startsWith('subscribed'))).toEqual(['subscribed 1', 'subscribed 2']);

    // The update of todos/a was handled before its subscribe, that of todos/b after.
    const step2 = (doc: string) => raw.messages.find((m) => m.kind === MessageKind.Doc && m.doc === doc);
    const a = step2('todos/a');
    const b = step2('todos/b');
    const payloadA = a?.kind === MessageKind.Doc ? readPayload(a.payload) : null;
    const payloadB = b?.kind === MessageKind.Doc ? readPayload(b.payload) : null;
    expect(payloadA?.type === 'step2' && updateValue(payloadA.update)).toEqual({ title: 'queued' });
    expect(payloadB?.type === 'step2' && updateValue(payloadB.update)).toBeUndefined();
    expect((await loadStored(storage, 'todos/b')).value).toEqual({ n: 1 });
  });

  it('handles exactly maxQueuedBeforeAuth queued messages once authenticated', async () => {
    const gate = deferred();
    resources.defer(() => gate.resolve());
    const t = resources.server(await startServer({ maxQueuedBeforeAuth: 3, authenticate: () => gate.promise.then(() => ({})) }));
    const raw = resources.socket(await rawSocket(t.url));
    for (let request = 1; request <= 3; request++) raw.send(subscribeFrame(request, `todos/q${request}`));
    await sleep(50);
    gate.resolve();
    await raw.next((m) => m.kind === MessageKind.Subscribed && m.request === 3);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    expect(t.logs.filter((line) => !line.includes('no rules given'))).toEqual([]);
  });

  it('closes with 4400 for a text frame queued before authentication, as it does after', async () => {
    const gate = deferred();
    resources.defer(() => gate.resolve());
    const t = resources.server(await startServer({ authenticate: () => gate.promise.then(() => ({})) }));
    const raw = resources.socket(await rawSocket(t.url));
    // A subscribe frame is plain ASCII, so it can travel as a text frame.
    raw.send(Buffer.from(subscribeFrame(1, 'todos/a')).toString('latin1'));
    await sleep(30);
    gate.resolve();
    const closed = await within(raw.closed, 1000, 'the close').catch(() => null);
    expect(raw.messages.map((m) => m.kind)).not.toContain(MessageKind.Subscribed);
    expect(closed?.code).toBe(4400);
    expect(t.logs.filter((line) => /text frame/.test(line))).toHaveLength(1);
  });

  it('lets a yracer client subscribe and write while authentication is still running', async () => {
    const t = resources.server(await startServer({ authenticate: () => sleep(150).then(() => ({})) }));
    const model = resources.model(client(t.url));
    const subscribed = model.subscribe('todos.a');
    await waitFor(() => model.connection.state === 'online', 2000, 'the socket open');
    model.set('todos.a.title', 'early');
    await sleep(50);
    expect(t.server.roomCount).toBe(0);
    await subscribed;
    await model.whenNothingPending();
    expect((await loadStored(t.storage, 'todos/a')).value).toEqual({ title: 'early' });
  });
});
