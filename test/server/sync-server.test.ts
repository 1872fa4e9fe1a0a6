import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { readPayload, updatePayload } from '../../src/protocol/sync-payload.ts';
import { createServer, memoryStorage, sqliteStorage } from '../../src/server/index.ts';
import { client, rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import {
  closedWithin,
  deferred,
  fieldsUpdate,
  loadStored,
  rawSocketWith,
  recordingStorage,
  subscribeFrame,
  updateFrame,
  updateValue,
  upgradeStatus,
  useResources,
} from '../helpers/server-fixtures.ts';

const resources = useResources();
const dir = mkdtempSync(join(tmpdir(), 'yracer-sync-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listenHttp(http: HttpServer): Promise<number> {
  return new Promise((resolve) => {
    http.listen(0, '127.0.0.1', () => {
      const address = http.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function httpGetStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('SyncServer endpoints', () => {
  it('serves the multiplexed protocol at / and stock y-websocket at /<collection>/<docId>, on the same documents', async () => {
    const t = resources.server(await startServer());
    const multiplexed = resources.socket(await rawSocket(t.url));
    multiplexed.send(subscribeFrame(1, 'todos/a'));
    expect(await multiplexed.next((m) => m.kind === MessageKind.Subscribed)).toEqual({ kind: MessageKind.Subscribed, request: 1, doc: 'todos/a' });

    const stock = resources.socket(await rawSocket(t.url, '/todos/a'));
    await waitFor(() => stock.frames.length > 0, 2000, 'the stock sync step 1');
    expect(readPayload(stock.frames[0] as Uint8Array).type).toBe('step1');
    stock.send(updatePayload(fieldsUpdate({ title: 'from stock' })));

    const relayed = await multiplexed.next((m) => m.kind === MessageKind.Doc && readPayload(m.payload).type === 'update');
    if (relayed.kind !== MessageKind.Doc) throw new Error('not a doc message');
    expect(relayed.doc).toBe('todos/a');
    const payload = readPayload(relayed.payload);
    expect(payload.type === 'update' && updateValue(payload.update)).toEqual({ title: 'from stock' });
  });

  it('answers 404 at the upgrade for any other path, and 426 to plain HTTP', async () => {
    const t = resources.server(await startServer());
    for (const path of ['/', '/todos/a', '/todos/a?token=x', '/todos/%41', '/Todo_s/x:y~z']) {
      expect(await upgradeStatus(t.port, path), path).toBe(101);
    }
    const notFound = ['/todos', '/todos/', '/todos/a/b', '/1todos/a', '/_page/a', '/$c/a', '/todos/a%20b', '/todos/a%2Fb', '/todos/__proto__', '/todos/%E0%A4%A'];
    for (const path of notFound) expect(await upgradeStatus(t.port, path), path).toBe(404);
    expect(await httpGetStatus(t.port)).toBe(426);
    expect(t.server.connectionCount).toBe(0);
  });

  it('serves under a custom path option (trailing slash ignored)', async () => {
    const t = resources.server(await startServer({ path: '/sync/' }));
    expect(t.server.options.path).toBe('/sync');
    expect(t.url).toBe(`ws://127.0.0.1:${t.port}/sync`);
    expect(await upgradeStatus(t.port, '/sync')).toBe(101);
    expect(await upgradeStatus(t.port, '/sync/todos/a')).toBe(101);
    for (const path of ['/', '/todos/a', '/syncx', '/syncx/todos/a', '/other/todos/a']) {
      expect(await upgradeStatus(t.port, path), path).toBe(404);
    }
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    model.set('todos.a.n', 1);
    await model.whenNothingPending();
    expect((await loadStored(t.storage, 'todos/a')).value).toEqual({ n: 1 });
    expect(() => createServer({ storage: memoryStorage(), path: 'sync' })).toThrow(TypeError);
  });

  it('listen() resolves to a loopback URL and port that clients connect to', async () => {
    const first = resources.server(await startServer());
    const second = resources.server(await startServer());
    expect(first.port).toBeGreaterThan(0);
    expect(second.port).not.toBe(first.port);
    expect(first.url).toBe(`ws://127.0.0.1:${first.port}/`);
    const model = resources.model(client(first.url));
    await waitFor(() => model.connection.state === 'online', 3000, 'online');
    expect(first.server.connectionCount).toBe(1);
    expect(second.server.connectionCount).toBe(0);
  });
});

describe('SyncServer.attach', () => {
  it('serves the WebSocket endpoints of an existing HTTP server and leaves that server running on close', async () => {
    const http = createHttpServer((_request, response) => response.end('app'));
    resources.defer(() => new Promise((resolve) => http.close(resolve)));
    const storage = memoryStorage();
    const server = createServer({ storage, log: () => undefined });
    server.attach(http);
    resources.defer(() => server.close());
    const port = await listenHttp(http);
    const url = `ws://127.0.0.1:${port}/`;

    const writer = resources.model(client(url));
    const reader = resources.model(client(url));
    await Promise.all([writer.subscribe('todos.a'), reader.subscribe('todos.a')]);
    writer.set('todos.a.title', 'via attach');
    await waitFor(() => reader.get('todos.a.title') === 'via attach', 3000, 'the relayed write');
    expect(await upgradeStatus(port, '/todos/a')).toBe(101);
    expect(await upgradeStatus(port, '/nope')).toBe(404);

    await server.close();
    expect(await httpGetStatus(port)).toBe(200);
    expect(() => server.attach(http)).toThrow(/closed/);
  });

  it("leaves paths it does not serve to another 'upgrade' listener of the same server", async () => {
    const http = createHttpServer();
    resources.defer(() => new Promise((resolve) => http.close(resolve)));
    const server = createServer({ storage: memoryStorage(), log: () => undefined });
    server.attach(http);
    resources.defer(() => server.close());
    // Registered after ours: it only sees what we leave alone.
    const hmr = new WebSocketServer({ noServer: true });
    resources.defer(() => hmr.close());
    hmr.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
    http.on('upgrade', (request, socket, head) => {
      if (request.url === '/hmr') hmr.handleUpgrade(request, socket, head, (ws) => hmr.emit('connection', ws, request));
    });
    const port = await listenHttp(http);
    const base = `ws://127.0.0.1:${port}`;

    const echo = resources.socket(await rawSocketWith(base, '/hmr'));
    echo.send('hello');
    await waitFor(() => echo.frames.length === 1, 2000, 'the echo');
    expect(Buffer.from(echo.frames[0] as Uint8Array).toString()).toBe('hello');

    expect(await upgradeStatus(port, '/')).toBe(101);
    expect(await upgradeStatus(port, '/todos/a')).toBe(101);
    await waitFor(() => server.connectionCount === 0, 2000, 'probes closed');
    expect(hmr.clients.size).toBe(1);
  });
  it('decides per HTTP server whether another listener may own a path, when attached to two servers', async () => {
    const plain = createHttpServer();
    const withHmr = createHttpServer();
    for (const http of [plain, withHmr]) resources.defer(() => new Promise((resolve) => http.close(resolve)));
    const server = createServer({ storage: memoryStorage(), log: () => undefined });
    server.attach(plain);
    server.attach(withHmr);
    resources.defer(() => server.close());
    const hmr = new WebSocketServer({ noServer: true });
    resources.defer(() => hmr.close());
    withHmr.on('upgrade', (request, socket, head) => {
      if (request.url === '/hmr') hmr.handleUpgrade(request, socket, head, () => undefined);
    });
    const plainPort = await listenHttp(plain);
    const hmrPort = await listenHttp(withHmr);

    expect.soft(await upgradeStatus(hmrPort, '/hmr').catch(String), 'the other listener\'s path').toBe(101);
    expect.soft(await upgradeStatus(plainPort, '/hmr').catch(String), 'an unknown path of the plain server').toBe(404);
    expect(await upgradeStatus(plainPort, '/todos/a')).toBe(101);
  });
});

describe('SyncServer.close', () => {
  it('closes every socket with 1001 (going away) and stops accepting', async () => {
    const t = await startServer();
    resources.defer(() => t.server.close());
    const multiplexed = resources.socket(await rawSocket(t.url));
    const stock = resources.socket(await rawSocket(t.url, '/todos/a'));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    await waitFor(() => t.server.connectionCount === 3, 2000, 'three connections');

    const closing = t.server.close();
    expect(t.server.close()).toBe(closing);
    await closing;
    expect((await closedWithin(multiplexed)).code).toBe(1001);
    expect((await closedWithin(stock)).code).toBe(1001);
    await waitFor(() => model.connection.state !== 'online', 2000, 'the model offline');
    expect(t.server.connectionCount).toBe(0);
    await expect(upgradeStatus(t.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stores what is pending before closing storage: an append in flight and the JSON value', async () => {
    const file = join(dir, 'close.db');
    const appendGate = deferred();
    let hold = false;
    const storage = recordingStorage(sqliteStorage(file), { beforeAppend: () => (hold ? appendGate.promise : undefined) });
    const t = await startServer({ storage, jsonDelayMs: 60_000, compactAfterMs: 60_000 });
    resources.defer(() => t.server.close());
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    model.set('todos.a.title', 'acked');
    await model.whenNothingPending();

    hold = true;
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(updateFrame('todos/a', 1, fieldsUpdate({ late: true })));
    await waitFor(() => storage.callsOf('append').length === 2, 2000, 'the second append');
    const closing = t.server.close();
    setTimeout(() => appendGate.resolve(), 50);
    await closing;
    expect(storage.calls.at(-1)?.method).toBe('close');

    const reopened = sqliteStorage(file);
    try {
      expect((await loadStored(reopened, 'todos/a')).value).toEqual({ title: 'acked', late: true });
      expect(JSON.parse((await reopened.loadJson({ collection: 'todos', id: 'a' })) ?? 'null')).toEqual({ title: 'acked', late: true });
    } finally {
      await reopened.close();
    }
  });
});

describe('SyncServer counts', () => {
  it('counts connections and documents in memory', async () => {
    const t = resources.server(await startServer({ unloadDelayMs: 50 }));
    expect([t.server.connectionCount, t.server.roomCount]).toEqual([0, 0]);
    const one = resources.socket(await rawSocket(t.url));
    const two = resources.socket(await rawSocket(t.url));
    one.send(subscribeFrame(1, 'todos/a'));
    one.send(subscribeFrame(2, 'todos/b'));
    two.send(subscribeFrame(1, 'todos/b'));
    two.send(subscribeFrame(2, 'todos/c'));
    await one.next((m) => m.kind === MessageKind.Subscribed && m.request === 2);
    await two.next((m) => m.kind === MessageKind.Subscribed && m.request === 2);
    const stock = resources.socket(await rawSocket(t.url, '/todos/d'));
    await waitFor(() => stock.frames.length > 0, 2000, 'the stock step 1');
    expect([t.server.connectionCount, t.server.roomCount]).toEqual([3, 4]);

    one.ws.close();
    await waitFor(() => t.server.connectionCount === 2, 2000, 'one closed');
    await waitFor(() => t.server.roomCount === 3, 2000, 'todos/a unloaded');
    two.ws.close();
    stock.ws.close();
    await waitFor(() => t.server.connectionCount === 0 && t.server.roomCount === 0, 2000, 'all unloaded');
  });
});
