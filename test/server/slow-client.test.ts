/** A subscriber that never reads is closed with 4408 once `maxBufferedBytes` wait for it; the writer is unaffected. */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { sleep, subscribeFrame, updateFrame, useResources, within } from '../helpers/server-fixtures.ts';

const resources = useResources();

const KiB = 1024;
const MiB = 1024 * KiB;
const MAX_BUFFERED = 256 * KiB;
/** Size of one write's new content. */
const WRITE_BYTES = 16 * KiB;
/** Bounds of the writer's loop. */
const MAX_WRITES = 2_000;
const MAX_WRITE_MS = 20_000;
/** Writes sent before waiting for acknowledgements. */
const WINDOW = 8;

interface ServerSocket extends WebSocket {
  readonly _isServer: boolean;
}

/** Watches every server-side socket: the most bytes any had waiting to be sent, and the close codes it used. */
function watchServerSockets(): { maxBuffered: () => number; closeCodes: number[] } {
  let maxBuffered = 0;
  const closeCodes: number[] = [];
  const { send, close } = WebSocket.prototype;
  WebSocket.prototype.send = function (this: ServerSocket, ...args: Parameters<typeof send>) {
    const result = send.apply(this, args);
    if (this._isServer) maxBuffered = Math.max(maxBuffered, this.bufferedAmount);
    return result;
  } as typeof send;
  WebSocket.prototype.close = function (this: ServerSocket, ...args: Parameters<typeof close>) {
    if (this._isServer && typeof args[0] === 'number') closeCodes.push(args[0]);
    return close.apply(this, args);
  } as typeof close;
  resources.defer(() => {
    WebSocket.prototype.send = send;
    WebSocket.prototype.close = close;
  });
  return { maxBuffered: () => maxBuffered, closeCodes };
}

describe('slow client', () => {
  it('closes a subscriber that never reads with 4408 before more than maxBufferedBytes wait for it, while the writer keeps getting acks', async () => {
    const watched = watchServerSockets();
    const t = resources.server(await startServer({ maxBufferedBytes: MAX_BUFFERED }));
    const rssBefore = process.memoryUsage().rss;

    const reader = resources.socket(await rawSocket(t.url));
    reader.send(subscribeFrame(1, 'todos/hot'));
    await reader.next((m) => m.kind === MessageKind.Subscribed);
    (reader.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause(); // never reads again

    const writer = resources.socket(await rawSocket(t.url));
    // An ack covers the document's earlier writes (one per document per turn): the highest number acknowledged.
    const acked = (): number => Math.max(0, ...writer.messages.flatMap((m) => (m.kind === MessageKind.Ack ? [m.seq] : [])));
    const doc = new Y.Doc();
    const slowLine = (): boolean => t.logs.some((line) => line.includes('reads too slowly'));
    let sent = 0;
    let sentBytes = 0;
    const end = performance.now() + MAX_WRITE_MS;
    while (sent < MAX_WRITES && performance.now() < end && !slowLine()) {
      const before = Y.encodeStateVector(doc);
      doc.getMap('data').set(`k${sent % 4}`, String(sent % 10).repeat(WRITE_BYTES));
      const frame = updateFrame('todos/hot', sent + 1, Y.encodeStateAsUpdate(doc, before));
      writer.send(frame);
      sent += 1;
      sentBytes += frame.byteLength;
      if (sent % WINDOW === 0) await waitFor(() => acked() >= sent - WINDOW, 5000, `the ack of write ${sent - WINDOW}`);
    }
    expect(slowLine()).toBe(true);
    await waitFor(() => watched.closeCodes.includes(4408), 2000, 'the server to close the reader');
    expect(watched.closeCodes.filter((code) => code === 4408)).toHaveLength(1);
    expect(t.logs.filter((line) => line.includes('reads too slowly'))).toHaveLength(1);
    // Closed long before the writer's bound, after a few MiB at most (kernel buffers hold the rest of what was sent to it).
    expect(sent).toBeLessThan(MAX_WRITES);
    expect(sentBytes).toBeLessThan(16 * MiB);
    // The server never queued more than the limit for any socket (plus the one frame that was refused).
    expect(watched.maxBuffered()).toBeLessThanOrEqual(MAX_BUFFERED + 2 * WRITE_BYTES);
    await waitFor(() => t.server.connectionCount === 1, 3000, 'the reader\'s connection to go');

    // The writer goes on: every write acknowledged, before and after the close.
    for (let i = 0; i < 20; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getMap('data').set('after', i);
      sent += 1;
      writer.send(updateFrame('todos/hot', sent, Y.encodeStateAsUpdate(doc, before)));
    }
    await waitFor(() => acked() === sent, 5000, 'every ack');
    expect(writer.messages.filter((m) => m.kind === MessageKind.Error)).toEqual([]);

    // Memory stayed bounded: what was sent to the reader is gone, not queued (a loose bound: the writes themselves allocate).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * MiB);

    // Once it reads again, the reader sees its socket closed (the server cut it).
    (reader.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await within(reader.closed, 5000, 'the reader to see the close');
    expect([4408, 1006]).toContain(closed.code);
  }, 30_000);

  it('keeps a subscriber that reads, however much is written', async () => {
    const t = resources.server(await startServer({ maxBufferedBytes: MAX_BUFFERED }));
    const reader = resources.socket(await rawSocket(t.url));
    reader.send(subscribeFrame(1, 'todos/hot'));
    await reader.next((m) => m.kind === MessageKind.Subscribed);
    const writer = resources.socket(await rawSocket(t.url));
    const doc = new Y.Doc();
    const writes = 100;
    for (let i = 1; i <= writes; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getMap('data').set(`k${i % 4}`, 'y'.repeat(WRITE_BYTES));
      writer.send(updateFrame('todos/hot', i, Y.encodeStateAsUpdate(doc, before)));
      if (i % WINDOW === 0) {
        await writer.next((m) => m.kind === MessageKind.Ack && m.seq === i, 5000);
        await sleep(1);
      }
    }
    await writer.next((m) => m.kind === MessageKind.Ack && m.seq === writes, 5000);
    await waitFor(() => reader.messages.filter((m) => m.kind === MessageKind.Doc).length >= writes, 5000, 'every relayed write');
    expect(t.logs.filter((line) => line.includes('reads too slowly'))).toEqual([]);
    expect(t.server.connectionCount).toBe(2);
  });
});
