/**
 * Fixtures for the presence tests: two connected models of one server, raw
 * sockets that speak awareness under a chosen client id (to cut them without
 * a close, or keep them from answering pings), and timing.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Model, Presence } from '../../src/index.ts';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { awarenessPayload } from '../../src/protocol/sync-payload.ts';
import type { Opened } from './client-fixtures.ts';
import { rawSocketWith, subscribeFrame } from './server-fixtures.ts';
import { waitFor, type RawSocket } from './sync-fixtures.ts';

/** The document the presence tests share. */
export const ROOM = 'rooms.r1';

/** The names the others of a presence show, in order. */
export const names = (presence: Presence): unknown[] => presence.others().map((peer) => peer.state['name']);

/** Waits until `check` holds and returns how long that took, in ms. */
export async function timed(check: () => boolean, what: string, timeoutMs = 5000): Promise<number> {
  const start = Date.now();
  await waitFor(check, timeoutMs, what);
  return Date.now() - start;
}

/** Two connected models of one server (started by `opened`), with the presence of ROOM in each. */
export async function pair(opened: Opened): Promise<{ url: string; port: number; a: Model; b: Model; pa: Presence; pb: Presence }> {
  const { url, port } = await opened.serve();
  const a = opened.connect(url);
  const b = opened.connect(url);
  return { url, port, a, b, pa: a.at(ROOM).presence, pb: b.at(ROOM).presence };
}

/** A stock awareness under a fixed client id (destroyed by `opened`). */
export function rawAwareness(opened: Opened, clientId: number): awarenessProtocol.Awareness {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  opened.defer(() => awareness.destroy());
  return awareness;
}

/** Sends an awareness's current state about its own client over a raw socket. */
export function announce(socket: RawSocket, awareness: awarenessProtocol.Awareness): void {
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]);
  socket.send(docMessage.encode({ doc: 'rooms/r1', seq: 0, payload: awarenessPayload(update) }));
}

/** A raw socket subscribed to `rooms/r1` (terminated by `opened`). */
export async function rawSubscriber(opened: Opened, url: string, options: { autoPong?: boolean } = {}): Promise<RawSocket> {
  const socket = await rawSocketWith(url, '', options);
  opened.defer(() => socket.ws.terminate());
  socket.send(subscribeFrame(1, 'rooms/r1'));
  return socket;
}

/** A raw socket that subscribes to `rooms/r1` and announces `state` under `clientId`. */
export async function rawPresence(
  opened: Opened,
  url: string,
  clientId: number,
  state: unknown,
  options: { autoPong?: boolean } = {},
): Promise<RawSocket> {
  const socket = await rawSubscriber(opened, url, options);
  const awareness = rawAwareness(opened, clientId);
  awareness.setLocalState(state as Record<string, unknown>);
  announce(socket, awareness);
  return socket;
}
