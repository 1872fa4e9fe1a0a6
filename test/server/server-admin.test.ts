import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { SyncServer } from '../../src/server/index.ts';
import { awarenessPayload, updatePayload } from '../../src/protocol/sync-payload.ts';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { client, rawSocket, startServer } from '../helpers/sync-fixtures.ts';
import { eventually, fieldsUpdate, useResources, within, wrapStorage } from '../helpers/server-fixtures.ts';
import { memoryFanoutHub, memoryStorage } from '../../src/server/index.ts';

const resources = useResources();

/** Serves `server.adminHandler()` on a free loopback port; resolves to its base URL. */
async function serveAdmin(server: SyncServer): Promise<string> {
  const http: HttpServer = createHttpServer(server.adminHandler());
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  resources.defer(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const address = http.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function get(base: string, path: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The value of one sample (`name` with its labels as written, e.g. `x{kind="stock"}`) in Prometheus text. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no sample ${name} in:\n${text}`);
  return Number(line.slice(name.length + 1));
}

const write = (model: ReturnType<typeof client>, path: string, value: unknown): Promise<Error | undefined> =>
  within(new Promise((resolve) => model.set(path, value, (error) => resolve(error))), 5000, `the write of ${path}`);

describe('SyncServer.adminHandler', () => {
  it('counts connections, rooms, updates, bytes, acks and appends, in Prometheus text', async () => {
    const t = resources.server(await startServer());
    const admin = await serveAdmin(t.server);
    const writer = resources.model(client(t.url));
    const reader = resources.model(client(t.url));
    await Promise.all([writer.subscribe('todos.a'), reader.subscribe('todos.a')]);
    const writes = 5;
    for (let i = 0; i < writes; i += 1) expect(await write(writer, 'todos.a.n', i)).toBeUndefined();

    const { status, type, text } = await get(admin, '/metrics');
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(sample(text, 'yracer_connections{kind="multiplexed"}')).toBe(2);
    expect(sample(text, 'yracer_connections{kind="stock"}')).toBe(0);
    expect(sample(text, 'yracer_rooms')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'yracer_live_queries')).toBe(0);
    expect(sample(text, 'yracer_updates_received_total')).toBeGreaterThanOrEqual(writes);
    expect(sample(text, 'yracer_updates_sent_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'yracer_write_ack_seconds_count')).toBeGreaterThanOrEqual(writes);
    expect(sample(text, 'yracer_storage_append_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'yracer_received_bytes_total')).toBeGreaterThan(0);
    expect(sample(text, 'yracer_sent_bytes_total')).toBeGreaterThan(0);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(sample(text, 'yracer_documents_stored')).toBe(1);
    expect(sample(text, 'yracer_storage_up')).toBe(1);
  });

  it('counts stored documents and the presence states of the rooms in memory', async () => {
    const t = resources.server(await startServer());
    const admin = await serveAdmin(t.server);
    const scrape = async (name: string): Promise<number> => sample((await get(admin, '/metrics')).text, name);
    expect([await scrape('yracer_documents_stored'), await scrape('yracer_presence_states')]).toEqual([0, 0]);

    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    await model.subscribe('todos.b');
    expect(await write(model, 'todos.a.title', 'one')).toBeUndefined();
    expect(await write(model, 'todos.b.title', 'two')).toBeUndefined();
    expect(await scrape('yracer_documents_stored')).toBe(2);

    // Two stock clients each announce a presence state in one document.
    for (const name of ['/todos/c', '/todos/c']) {
      const socket = resources.socket(await rawSocket(t.url, name));
      const awareness = new awarenessProtocol.Awareness(new Y.Doc());
      awareness.setLocalState({ name });
      socket.send(awarenessPayload(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
      awareness.destroy();
    }
    await eventually(async () => (await scrape('yracer_presence_states')) === 2, 5000, 'two presence states');
  });

  it('counts a refused write by its code, and keeps each server its own registry', async () => {
    const rules = { todos: { read: () => true } };
    const t = resources.server(await startServer({ rules }));
    const other = resources.server(await startServer());
    const [admin, otherAdmin] = [await serveAdmin(t.server), await serveAdmin(other.server)];
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    expect((await write(model, 'todos.a.title', 'no')) as { code?: string }).toMatchObject({ code: 'forbidden' });

    const { text } = await get(admin, '/metrics');
    expect(sample(text, 'yracer_writes_refused_total{code="forbidden"}')).toBe(1);
    expect(sample(text, 'yracer_write_ack_seconds_count')).toBe(0);

    // A stock client's refused update has no error message: it is counted when the server drops it.
    const stock = resources.socket(await rawSocket(t.url, '/todos/b'));
    stock.send(updatePayload(fieldsUpdate({ title: 'no' })));
    await eventually(async () => sample((await get(admin, '/metrics')).text, 'yracer_writes_refused_total{code="forbidden"}') === 2);
    expect(sample((await get(admin, '/metrics')).text, 'yracer_connections{kind="stock"}')).toBe(1);
    const otherText = (await get(otherAdmin, '/metrics')).text;
    expect(sample(otherText, 'yracer_updates_received_total')).toBe(0);
    expect(sample(otherText, 'yracer_connections{kind="multiplexed"}')).toBe(0);
  });

  it('reports the fan-out to other processes as up or down, and nothing about it without one', async () => {
    const hub = memoryFanoutHub();
    const t = resources.server(await startServer({ fanout: hub.connect() }));
    const admin = await serveAdmin(t.server);
    const fanoutUp = async (): Promise<number | null> => {
      const text = (await get(admin, '/metrics')).text;
      return text.includes('\nyracer_fanout_up ') ? sample(text, 'yracer_fanout_up') : null;
    };
    await eventually(async () => (await fanoutUp()) === 1, 3000, 'the fan-out reported up');
    hub.setDown(true);
    await eventually(async () => (await fanoutUp()) === 0, 3000, 'the fan-out reported down');
    hub.setDown(false);
    await eventually(async () => (await fanoutUp()) === 1, 3000, 'the fan-out reported up again');
    const alone = resources.server(await startServer());
    expect((await get(await serveAdmin(alone.server), '/metrics')).text).not.toContain('yracer_fanout_up');
  });

  it('answers /healthz 200, /readyz 200, and 404 for an unknown path', async () => {
    const t = resources.server(await startServer());
    const admin = await serveAdmin(t.server);
    expect((await get(admin, '/healthz')).status).toBe(200);
    const ready = await get(admin, '/readyz');
    expect([ready.status, JSON.parse(ready.text)]).toEqual([200, { ready: true }]);
    expect((await get(admin, '/nope')).status).toBe(404);
    expect((await fetch(`${admin}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers /readyz 503 with the reason once the server is closing', async () => {
    const t = await startServer();
    const admin = await serveAdmin(t.server);
    const closed = t.server.close();
    const ready = await get(admin, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({ ready: false, reason: 'the server is closing' });
    expect((await get(admin, '/healthz')).status).toBe(200);
    await closed;
  });

  it('answers /readyz 503 with the reason when storage fails', async () => {
    let failing = false;
    const inner = memoryStorage();
    const storage = wrapStorage(inner, {
      heads: (keys) => (failing ? Promise.reject(new Error('database unreachable')) : inner.heads(keys)),
    });
    const t = resources.server(await startServer({ storage }));
    const admin = await serveAdmin(t.server);
    expect((await get(admin, '/readyz')).status).toBe(200);
    failing = true;
    const ready = await get(admin, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({ ready: false, reason: 'storage failed: database unreachable' });
    const text = (await get(admin, '/metrics')).text;
    expect(sample(text, 'yracer_storage_up')).toBe(0);
    // This storage cannot count its documents: the gauge has no sample then.
    expect(text).not.toMatch(/^yracer_documents_stored /m);
    failing = false;
    expect((await get(admin, '/readyz')).status).toBe(200);
    expect(sample((await get(admin, '/metrics')).text, 'yracer_storage_up')).toBe(1);
  });
});
