import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { readPayload } from '../../src/protocol/sync-payload.ts';
import { rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { closedWithin, rawSocketWith, subscribeFrame, useResources } from '../helpers/server-fixtures.ts';

const resources = useResources();

describe('keep-alive', () => {
  it('sends an idle stock y-websocket provider a harmless message every keepAliveMs or so', async () => {
    const t = resources.server(await startServer({ keepAliveMs: 50 }));
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(t.url, 'todos/a', doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    resources.defer(() => provider.destroy());
    await waitFor(() => provider.synced, 3000, 'the provider synced');
    const states = provider.awareness.getStates().size;

    // y-websocket drops a socket that heard nothing for 30 s; here "nothing" never lasts long: 8 messages in a row come close together.
    const heard: number[] = [provider.wsLastMessageReceived];
    const socket = provider.ws as unknown as WebSocket;
    socket.addEventListener('message', () => heard.push(Date.now()));
    await waitFor(() => heard.length > 8, 10_000, 'eight keep-alive messages');
    const silences = heard.slice(1).map((at, i) => at - (heard[i] as number));
    expect(Math.max(...silences)).toBeLessThan(500);
    expect(provider.wsconnected).toBe(true);
    expect(provider.awareness.getStates().size).toBe(states);
    expect(doc.getMap('data').size).toBe(0);
  });

  it('sends stock sockets empty awareness updates ([1, [0]]) while idle, and nothing else', async () => {
    const t = resources.server(await startServer({ keepAliveMs: 50 }));
    const stock = resources.socket(await rawSocket(t.url, '/todos/a'));
    await waitFor(() => stock.frames.length > 0, 2000, 'the step 1');
    const after = stock.frames.length;
    await waitFor(() => stock.frames.length >= after + 2, 5000, 'two keep-alive frames');
    const extra = stock.frames.slice(after);
    for (const frame of extra) expect(readPayload(frame)).toEqual({ type: 'awareness', update: Uint8Array.from([0]) });
  });

  it('pings multiplexed sockets at the WebSocket level (no protocol messages)', async () => {
    const t = resources.server(await startServer({ keepAliveMs: 50 }));
    const raw = resources.socket(await rawSocket(t.url));
    let pings = 0;
    raw.ws.on('ping', () => (pings += 1));
    await waitFor(() => pings >= 3, 5000, 'three pings');
    expect(raw.frames).toEqual([]);
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
  });

  it.each([
    ['multiplexed', ''],
    ['stock', '/todos/a'],
  ])('terminates a %s socket that stops answering pings, and keeps one that answers', async (_kind, path) => {
    const t = resources.server(await startServer({ keepAliveMs: 50, unloadDelayMs: 20 }));
    const alive = resources.socket(await rawSocket(t.url, path));
    const dead = resources.socket(await rawSocketWith(t.url, path, { autoPong: false }));
    if (path === '') {
      dead.send(subscribeFrame(1, 'todos/b'));
      await dead.next((m) => m.kind === MessageKind.Subscribed);
    }
    await waitFor(() => t.server.roomCount === 1, 2000, 'the room loaded');
    expect(t.server.connectionCount).toBe(2);

    let alivePings = 0;
    alive.ws.on('ping', () => (alivePings += 1));
    const closed = await closedWithin(dead, 5000);
    expect(closed.code).toBe(1006);
    await waitFor(() => t.server.connectionCount === 1, 5000, 'the dead connection dropped');
    // Three more rounds of pings, each of which would have dropped a socket that had not answered the one before.
    const pingsThen = alivePings;
    await waitFor(() => alivePings >= pingsThen + 3, 5000, 'three more pings of the live socket');
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    expect(t.server.connectionCount).toBe(1);
    // The dead socket's subscription is released (todos/b unloads; the stock socket's todos/a stays).
    await waitFor(() => t.server.roomCount === (path === '' ? 0 : 1), 2000, 'the rooms released');
  });
});
