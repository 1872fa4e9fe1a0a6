/** Regressions found in review: the server under slow, hostile or unlucky clients and storage. */
import * as encoding from 'lib0/encoding';
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { Opened, sleep } from '../helpers/client-fixtures.ts';
import { captureUnhandledRejections, deferred, fieldsUpdate, recordingStorage, storageKey, subscribeFrame, updateFrame } from '../helpers/server-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** An update that decodes but names its own future clock as origin (Yjs would park it, then fail). */
function forwardOriginUpdate(client = 4242): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 0);
  encoding.writeUint8(e, 4 | 0x80);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 5);
  encoding.writeVarString(e, 'x');
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}

it('closes a subscriber that never reads before its buffer grows without bound', async () => {
  let maxBuffered = 0;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket & { _isServer: boolean }, ...args: Parameters<typeof send>) {
    const r = send.apply(this, args);
    if (this._isServer) maxBuffered = Math.max(maxBuffered, this.bufferedAmount);
    return r;
  } as typeof send;
  opened.defer(() => (WebSocket.prototype.send = send));
  const test = opened.server(await startServer());
  const reader = await rawSocket(test.url);
  opened.defer(() => reader.ws.terminate());
  reader.send(subscribeFrame(1, 'todos/a'));
  await reader.next((m) => m.kind === 2);
  (reader.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // never reads again

  const writer = await rawSocket(test.url);
  opened.defer(() => writer.ws.terminate());
  const doc = new Y.Doc();
  const big = 'x'.repeat(1 << 20);
  for (let i = 1; i <= 200; i++) {
    const before = Y.encodeStateVector(doc);
    doc.getMap('data').set(`k${i % 5}`, big);
    writer.send(updateFrame('todos/a', i, Y.encodeStateAsUpdate(doc, before)));
  }
  await writer.next((m) => m.kind === 4 && (m as { seq: number }).seq === 200, 20000);
  expect(maxBuffered).toBeLessThan(64 * 2 ** 20);
}, 30000);

it('gives a subscriber a working room even when a bad update arrived just before', async () => {
  const gate = deferred();
  const storage = recordingStorage(undefined, { beforeLoad: () => gate.promise });
  const test = opened.server(await startServer({ storage }));
  const attacker = await rawSocket(test.url);
  const victim = await rawSocket(test.url);
  opened.defer(() => { attacker.ws.terminate(); victim.ws.terminate(); });
  attacker.send(updateFrame('todos/a', 1, forwardOriginUpdate())); // waits for the load
  await waitFor(() => storage.callsOf('load', 'todos/a').length === 1, 5000, 'the load to start');
  victim.send(subscribeFrame(1, 'todos/a')); // waits for the same load (no event tells when it is queued behind it)
  await sleep(50);
  gate.resolve();
  await victim.next((m) => m.kind === MessageKind.Subscribed);
  victim.send(updateFrame('todos/a', 5, fieldsUpdate({ title: 'hello' })));
  await victim.next((m) => m.kind === MessageKind.Ack && m.seq === 5);
});

it('waits for a loading document on close and touches storage no more afterwards', async () => {
  const gate = deferred();
  const inner = memoryStorage();
  await inner.append(storageKey('todos/a'), [fieldsUpdate({ a: 1 })]);
  const storage = recordingStorage(inner, { beforeLoad: () => gate.promise, keepOpen: true });
  const unhandled = captureUnhandledRejections();
  const test = await startServer({ storage, compactAfterMs: 50 });
  const socket = await rawSocket(test.url);
  opened.defer(() => socket.ws.terminate());
  socket.send(updateFrame('todos/a', 1, fieldsUpdate({ b: 2 })));
  await waitFor(() => storage.callsOf('load', 'todos/a').length === 1, 5000, 'the load to start');
  const closed = test.server.close();
  await sleep(50);
  gate.resolve();
  await closed;
  const at = storage.calls.length;
  await sleep(300);
  unhandled.stop();
  expect(storage.calls.slice(at)).toEqual([]);
  expect(unhandled.errors).toEqual([]);
  // The loaded state is intact; the write is there exactly when it was acknowledged.
  const stored = await inner.load(storageKey('todos/a'));
  const doc = new Y.Doc();
  for (const part of [stored.state, ...stored.updates]) if (part) Y.applyUpdate(doc, part);
  const acked = socket.messages.some((m) => m.kind === 4);
  expect(doc.getMap('data').toJSON()).toEqual(acked ? { a: 1, b: 2 } : { a: 1 });
});

it('answers an upgrade with an unparsable URL with 404 and keeps serving', async () => {
  const test = opened.server(await startServer());
  const { connect } = await import('node:net');
  const answer = await new Promise<string>((resolve) => {
    const socket = connect(test.port, '127.0.0.1', () => {
      socket.write(
        'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n\r\n',
      );
    });
    socket.on('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
  });
  expect(answer).toMatch(/^HTTP\/1.1 404/);
  const probe = await rawSocket(test.url);
  opened.defer(() => probe.ws.terminate());
  probe.send(subscribeFrame(1, 'todos/a'));
  await probe.next((m) => m.kind === 2);
});

it('refuses an update holding a BigInt, storing nothing', async () => {
  const test = opened.server(await startServer());
  const doc = new Y.Doc();
  doc.getMap('data').set('n', 1n as unknown as number);
  const socket = await rawSocket(test.url);
  opened.defer(() => socket.ws.terminate());
  socket.send(updateFrame('todos/a', 1, Y.encodeStateAsUpdate(doc)));
  const error = await socket.next((m) => m.kind === 5);
  expect(error).toMatchObject({ seq: 1, code: 'bad-update' });
  expect((await test.storage.load(storageKey('todos/a'))).updates).toEqual([]);
});

it('refuses an update that depends on content the server lacks, and other writes still succeed', async () => {
  const test = opened.server(await startServer());
  const victim = await rawSocket(test.url);
  opened.defer(() => victim.ws.terminate());
  victim.send(subscribeFrame(1, 'todos/a'));
  await victim.next((m) => m.kind === 2);
  const attacker = await rawSocket(test.url);
  opened.defer(() => attacker.ws.terminate());
  attacker.send(updateFrame('todos/a', 1, forwardOriginUpdate()));
  expect(await attacker.next((m) => m.kind === 5)).toMatchObject({ seq: 1, code: 'bad-update' });
  const source = new Y.Doc();
  for (let i = 1; i <= 5; i++) {
    const before = Y.encodeStateVector(source);
    source.getMap('data').set('n', i);
    victim.send(updateFrame('todos/a', i, Y.encodeStateAsUpdate(source, before)));
  }
  await victim.next((m) => m.kind === 4 && m.seq === 5);
  expect(victim.messages.filter((m) => m.kind === 5)).toEqual([]);
  expect(test.server.roomCount).toBe(1);
});

it('closes a socket that sends more bytes than allowed before authentication', async () => {
  const test = opened.server(await startServer({ authenticate: () => new Promise(() => undefined), maxQueuedBytesBeforeAuth: 1000 }));
  const socket = await rawSocket(test.url);
  opened.defer(() => socket.ws.terminate());
  socket.send(updateFrame('todos/a', 1, new Uint8Array(2000)));
  expect((await socket.closed).code).toBe(4429);
  expect(test.logs.filter((l) => l.includes('1000 bytes before authentication'))).toHaveLength(1);
});

it('refuses a document nested deeper than MAX_DEPTH (20,000 maps), storing nothing, and keeps serving', async () => {
  const test = opened.server(await startServer({ jsonDelayMs: 5 }));
  const doc = new Y.Doc();
  let map = doc.getMap('data') as Y.Map<unknown>;
  doc.transact(() => {
    for (let i = 0; i < 20_000; i++) {
      const next = new Y.Map<unknown>();
      map.set('m', next);
      map = next;
    }
  });
  const socket = await rawSocket(test.url);
  opened.defer(() => socket.ws.terminate());
  socket.send(updateFrame('todos/a', 1, Y.encodeStateAsUpdate(doc)));
  expect(await socket.next((m) => m.kind === 5, 10_000)).toMatchObject({ seq: 1, code: 'bad-update', message: expect.stringMatching(/deeper than 100 levels/) });
  expect((await test.storage.load(storageKey('todos/a'))).updates).toEqual([]);
  const probe = await rawSocket(test.url);
  opened.defer(() => probe.ws.terminate());
  probe.send(subscribeFrame(1, 'todos/b'));
  await probe.next((m) => m.kind === 2);
});
