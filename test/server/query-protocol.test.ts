import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Model } from '../../src/index.ts';
import type { SyncClient } from '../../src/client/sync-client.ts';
import { decodeFrame, type Message } from '../../src/protocol/frame.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { queryMessage } from '../../src/protocol/query-message.ts';
import { unqueryMessage } from '../../src/protocol/unquery-message.ts';
import { memoryStorage, sqliteStorage, type Storage } from '../../src/server/index.ts';
import { tempDir } from '../helpers/client-fixtures.ts';
import { client, rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { roundTrip, wrapStorage } from '../helpers/server-fixtures.ts';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

const query = (request: number, expression: string, collection = 'todos', mode = 0): Uint8Array =>
  queryMessage.encode({ request, collection, mode, expression });

async function seeded(storage?: Parameters<typeof startServer>[0]): Promise<{ url: string; writer: Model; logs: string[] }> {
  const server = await startServer({ queryDelayMs: 2, ...storage });
  open.push(server.server);
  const writer = client(server.url);
  open.push(writer);
  writer.add('todos', { id: 't1', title: 'one', done: false });
  writer.add('todos', { id: 't2', title: "it's; DROP TABLE yracer_documents; --", done: false });
  await writer.whenNothingPending();
  return { url: server.url, writer, logs: server.logs };
}

describe('query messages', () => {
  it('answers a bad query with an error naming the problem and keeps the connection usable', async () => {
    const { url } = await seeded();
    const socket = await rawSocket(url);
    open.push({ close: () => socket.ws.close() });
    const cases: Array<[number, string, RegExp]> = [
      [1, '{"done":{"$regex":"x"}}', /unknown operator "\$regex" on field "done"/],
      [2, '{not json', /not JSON/],
      [3, '[1,2]', /must be an object/],
      [4, '{"a\'); DROP TABLE yracer_documents; --":1}', /not a valid field path/],
      [5, '{"$where":"1"}', /unknown query operator "\$where"/],
      [6, '{"$sort":{"x":2}}', /\$sort.x must be 1 or -1/],
    ];
    for (const [request, expression, pattern] of cases) {
      socket.send(query(request, expression));
      const error = await socket.next((m) => m.kind === MessageKind.Error && m.request === request);
      expect(error.kind === MessageKind.Error && error.code).toBe('bad-query');
      expect(error.kind === MessageKind.Error && error.message).toMatch(pattern);
    }
    socket.send(query(7, '{"done":false}', 'bad collection!'));
    await socket.next((m) => m.kind === MessageKind.Error && m.request === 7);
    socket.send(query(8, '{"done":false}'));
    const result = await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 8);
    expect(result.kind === MessageKind.QueryResult && result.ids).toEqual(['t1', 't2']);
    expect(result.kind === MessageKind.QueryResult && result.docs.map((d) => d.doc)).toEqual(['todos/t1', 'todos/t2']);
  });

  it('matches values with quotes and SQL literally in SQLite storage, and the table survives', async () => {
    const dir = tempDir();
    open.push({ close: () => dir.remove() });
    const { url } = await seeded({ storage: sqliteStorage(`${dir.dir}/q.db`) });
    const socket = await rawSocket(url);
    open.push({ close: () => socket.ws.close() });
    socket.send(query(1, JSON.stringify({ title: "it's; DROP TABLE yracer_documents; --" })));
    const hit = await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 1);
    expect(hit.kind === MessageKind.QueryResult && hit.ids).toEqual(['t2']);
    socket.send(query(2, JSON.stringify({ title: { $in: ["' OR 1=1 --", '%'] } })));
    const miss = await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 2);
    expect(miss.kind === MessageKind.QueryResult && miss.ids).toEqual([]);
    socket.send(query(3, '{}'));
    const all = await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 3);
    expect(all.kind === MessageKind.QueryResult && all.ids).toEqual(['t1', 't2']);
  });

  it('sends diffs for a subscribed query until unquery, and counts with $count', async () => {
    const { url, writer } = await seeded();
    const socket = await rawSocket(url);
    open.push({ close: () => socket.ws.close() });
    socket.send(query(1, '{"done":false,"$sort":{"title":1}}'));
    socket.send(query(2, '{"done":false,"$count":true}'));
    await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 1);
    const counted = await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 2);
    expect(counted.kind === MessageKind.QueryResult && [counted.count, counted.ids, counted.docs]).toEqual([2, [], []]);
    writer.add('todos', { id: 't3', title: 'a first', done: false });
    const diff = await socket.next((m) => m.kind === MessageKind.QueryDiff && m.request === 1);
    expect(diff.kind === MessageKind.QueryDiff && diff.ops).toEqual([{ type: 0, index: 0, to: 0, ids: ['t3'] }]);
    expect(diff.kind === MessageKind.QueryDiff && diff.docs.map((d) => d.doc)).toEqual(['todos/t3']);
    const count = await socket.next((m) => m.kind === MessageKind.QueryDiff && m.request === 2);
    expect(count.kind === MessageKind.QueryDiff && count.count).toBe(3);
    socket.send(unqueryMessage.encode({ request: 1 }));
    socket.send(unqueryMessage.encode({ request: 2 }));
    await roundTrip(socket); // the unqueries are handled
    // Another socket keeps the same queries: its diffs for the next write show when this one's would have come.
    const control = await rawSocket(url);
    open.push({ close: () => control.ws.close() });
    control.send(query(1, '{"done":false,"$sort":{"title":1}}'));
    control.send(query(2, '{"done":false,"$count":true}'));
    await control.next((m) => m.kind === MessageKind.QueryResult && m.request === 2);
    const before = socket.messages.filter((m) => m.kind === MessageKind.QueryDiff).length;
    writer.add('todos', { id: 't4', title: 'b', done: false });
    await writer.whenNothingPending();
    await control.next((m) => m.kind === MessageKind.QueryDiff && m.request === 2);
    await control.next((m) => m.kind === MessageKind.QueryDiff && m.request === 1);
    await roundTrip(socket);
    expect(socket.messages.filter((m) => m.kind === MessageKind.QueryDiff).length).toBe(before);
  });
});

describe('query limits and failures', () => {
  it('refuses queries past maxQueries, and a request id already running, with the connection still usable', async () => {
    const { url } = await seeded({ maxQueries: 2 });
    const socket = await rawSocket(url);
    open.push({ close: () => socket.ws.close() });
    socket.send(query(1, '{}'));
    socket.send(query(2, '{"done":false}'));
    socket.send(query(2, '{"done":true}'));
    socket.send(query(3, '{"done":true}'));
    const duplicate = await socket.next((m) => m.kind === MessageKind.Error && m.request === 2);
    expect(duplicate.kind === MessageKind.Error && duplicate.message).toMatch(/already a running query/);
    const refused = await socket.next((m) => m.kind === MessageKind.Error && m.request === 3);
    expect(refused.kind === MessageKind.Error && refused.code).toBe('too-many-queries');
    socket.send(unqueryMessage.encode({ request: 1 }));
    socket.send(query(4, '{"done":true}'));
    await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 4);
  });

  it('holds at most 100 subscribed queries per connection by default: the 101st is too-many-queries, other connections keep querying', async () => {
    const { url } = await seeded();
    const socket = await rawSocket(url);
    open.push({ close: () => socket.ws.close() });
    for (let request = 1; request <= 101; request++) socket.send(query(request, JSON.stringify({ n: request })));
    const refused = await socket.next((m) => m.kind === MessageKind.Error && m.request === 101);
    expect(refused.kind === MessageKind.Error && [refused.code, refused.message]).toEqual(['too-many-queries', 'at most 100 queries per connection']);
    await waitFor(() => socket.messages.filter((m) => m.kind === MessageKind.QueryResult).length === 100, 5000, 'the first 100 results');
    // A fetch does not count, and the connection keeps being served.
    socket.send(query(102, '{}', 'todos', 1));
    const fetched = await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 102);
    expect(fetched.kind === MessageKind.QueryResult && fetched.ids).toEqual(['t1', 't2']);
    const other = await rawSocket(url);
    open.push({ close: () => other.ws.close() });
    other.send(query(1, '{}'));
    const result = await other.next((m) => m.kind === MessageKind.QueryResult && m.request === 1);
    expect(result.kind === MessageKind.QueryResult && result.ids).toEqual(['t1', 't2']);
  });

  it('answers query-failed when storage fails, stores nothing, and keeps serving', async () => {
    const inner = memoryStorage();
    let fail = true;
    const storage: Storage = wrapStorage(inner, {
      query: (collection, expression, options) => (fail ? Promise.reject(new Error('disk on fire')) : inner.query(collection, expression, options)),
    });
    const { url } = await seeded({ storage });
    const socket = await rawSocket(url);
    open.push({ close: () => socket.ws.close() });
    socket.send(query(1, '{}'));
    const failed = await socket.next((m) => m.kind === MessageKind.Error && m.request === 1);
    expect(failed.kind === MessageKind.Error && [failed.code, failed.message]).toEqual(['query-failed', expect.stringMatching(/disk on fire/)]);
    fail = false;
    socket.send(query(2, '{}'));
    const result = await socket.next((m) => m.kind === MessageKind.QueryResult && m.request === 2);
    expect(result.kind === MessageKind.QueryResult && result.ids).toEqual(['t1', 't2']);
  });

  it('rejects subscribe() and emits error on the query when the server refuses it', async () => {
    const { url } = await seeded({ maxQueries: 1 });
    const reader = client(url);
    open.push(reader);
    await reader.query('todos', {}).subscribe();
    const second = reader.query('todos', { done: true });
    const errors: string[] = [];
    second.on('error', (event) => errors.push(event.error.message));
    await expect(second.subscribe()).rejects.toThrow(/at most 1 queries/);
    expect(errors).toEqual([expect.stringMatching(/at most 1 queries/)]);
  });
});

describe('query subscriptions across reconnects', () => {
  it('resumes without sending documents the client already has', async () => {
    const { url, writer } = await seeded();
    const received: Message[] = [];
    class Recording extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        this.on('message', (data: Buffer) => received.push(decodeFrame(new Uint8Array(data))));
      }
    }
    const reader = client(url, { WebSocket: Recording as never });
    open.push(reader);
    const q = reader.query('todos', { done: false });
    await q.subscribe();
    expect(q.getIds()).toEqual(['t1', 't2']);
    received.length = 0;
    (reader.store.sync as SyncClient).disconnect();
    await waitFor(() => reader.connection.state !== 'online', 3000, 'offline');
    writer.add('todos', { id: 't3', title: 'while away', done: false });
    await writer.whenNothingPending();
    await waitFor(() => q.getIds().join() === 't1,t2,t3', 5000, 't3 after reconnect');
    const results = received.filter((m) => m.kind === MessageKind.QueryResult);
    expect(results).toHaveLength(1);
    expect(results[0]?.kind === MessageKind.QueryResult && results[0].docs.map((d) => d.doc)).toEqual(['todos/t3']);
    expect(reader.get('todos.t3.title')).toBe('while away');
  });
});
