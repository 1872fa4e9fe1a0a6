/**
 * Fixtures for server-side presence tests: awareness updates with chosen
 * client ids and clocks (what a misbehaving client could send), raw sockets
 * subscribed to one document, and the awareness states a raw socket was sent.
 */
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { pingMessage } from '../../src/protocol/ping-message.ts';
import { awarenessPayload, readPayload } from '../../src/protocol/sync-payload.ts';
import type { ErrorMessage } from '../../src/protocol/error-message.ts';
import { subscribeFrame, type Resources } from './server-fixtures.ts';
import { rawSocket, waitFor, type RawSocket } from './sync-fixtures.ts';

/** The document these tests share, as its wire name. */
export const DOC = 'rooms/r1';

/** One awareness entry: a client id, its clock, and its state (null: removed). */
export type Entry = readonly [clientId: number, clock: number, state: unknown];

/** An awareness update (y-protocols format) holding exactly these entries. */
export function awarenessUpdate(...entries: Entry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const [clientId, clock, state] of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}

/** A multiplexed `doc` frame carrying an awareness update about DOC. */
export const awarenessFrame = (update: Uint8Array, doc = DOC): Uint8Array => docMessage.encode({ doc, seq: 0, payload: awarenessPayload(update) });

/** A raw multiplexed socket subscribed to DOC (waits for `subscribed`; terminated after the test). */
export async function subscriber(resources: Resources, url: string): Promise<RawSocket> {
  const socket = resources.socket(await rawSocket(url));
  socket.send(subscribeFrame(1, DOC));
  await socket.next((m) => m.kind === MessageKind.Subscribed);
  return socket;
}

/** The awareness updates a raw socket received, in order (multiplexed `doc` frames, or stock frames with `stock`). */
export function awarenessUpdates(socket: RawSocket, stock = false): Uint8Array[] {
  if (stock) {
    return socket.frames.flatMap((frame) => {
      try {
        const payload = readPayload(frame);
        return payload.type === 'awareness' ? [payload.update] : [];
      } catch {
        return [];
      }
    });
  }
  return socket.messages.flatMap((m) => {
    if (m.kind !== MessageKind.Doc) return [];
    const payload = readPayload(m.payload);
    return payload.type === 'awareness' ? [payload.update] : [];
  });
}

/** The awareness states a socket knows of, from every awareness update it received. */
export function statesSeen(socket: RawSocket, stock = false): Map<number, unknown> {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  try {
    awareness.setLocalState(null);
    for (const update of awarenessUpdates(socket, stock)) awarenessProtocol.applyAwarenessUpdate(awareness, update, null);
    return new Map(awareness.getStates());
  } finally {
    awareness.destroy();
  }
}

/** Every state of a client id a socket was ever sent (null for removals), in order. */
export function historyOf(socket: RawSocket, clientId: number, stock = false): unknown[] {
  const history: unknown[] = [];
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  try {
    awareness.setLocalState(null);
    for (const update of awarenessUpdates(socket, stock)) {
      const before = awareness.getStates().get(clientId) ?? null;
      awarenessProtocol.applyAwarenessUpdate(awareness, update, null);
      const after = awareness.getStates().get(clientId) ?? null;
      if (JSON.stringify(before) !== JSON.stringify(after)) history.push(after);
    }
    return history;
  } finally {
    awareness.destroy();
  }
}

/** Waits until a socket knows `clientId`'s state as `state` (undefined: knows none). */
export async function waitForState(socket: RawSocket, clientId: number, state: unknown, what: string, stock = false): Promise<void> {
  const wanted = JSON.stringify(state);
  await waitFor(() => JSON.stringify(statesSeen(socket, stock).get(clientId)) === wanted, 5000, what);
}

/** The `error` messages a socket received. */
export const errorsOf = (socket: RawSocket): ErrorMessage[] => socket.messages.flatMap((m) => (m.kind === MessageKind.Error ? [m] : []));

/** Sends `ping` and waits for its `pong`: everything the socket sent before was handled. */
export async function roundTrip(socket: RawSocket): Promise<void> {
  const pongs = socket.messages.filter((m) => m.kind === MessageKind.Pong).length;
  socket.send(pingMessage.encode({}));
  await waitFor(() => socket.messages.filter((m) => m.kind === MessageKind.Pong).length > pongs, 5000, 'the pong');
}
