/**
 * Documents' states between the server and the model: merging what the
 * server sent into the model, and working out what the server lacks.
 */
import * as Y from 'yjs';
import type { ModelStore } from '../model/documents/model-store.ts';
import type { DocRef } from '../model/documents/sync-port.ts';
import type { PendingSpan } from './pending-writes.ts';

/** Transaction origin of updates received from the server (never sent back). */
export const REMOTE_ORIGIN: unique symbol = Symbol('yracer:remote');

/** What the server sent: a document's state (sync step 2, or with a query result), or a live update. */
export type ServerSent = 'state' | 'query-state' | 'update';

/**
 * Merges what the server sent into the model: a state for a document still
 * empty is loaded (one `load` event); anything else is applied as a remote
 * update. A query's state is the whole document, so it counts as loaded. A
 * listener of the app that throws (or bad data) is reported, never allowed
 * to stop the connection's work.
 */
export function applyServerState(store: ModelStore, ref: DocRef, update: Uint8Array, sent: ServerSent): void {
  const entry = store.entry(ref.collection, ref.id);
  try {
    if (sent !== 'update' && (!entry || entry.ydoc.store.clients.size === 0)) {
      store.load(ref.collection, ref.id, update);
      return;
    }
    if (!entry) return;
    Y.applyUpdate(entry.ydoc, update, REMOTE_ORIGIN);
    if (sent === 'query-state') store.markLoaded(ref.collection, ref.id);
  } catch (error) {
    console.error(`yracer: applying the server's state of ${ref.collection}.${ref.id} threw`, error);
  }
}

/**
 * What the server lacks of a document, given its state vector: an update,
 * or null when it lacks no structs. (A diff always carries the whole delete
 * set; a deletion made here is a local write, pending until acknowledged and
 * kept offline, so a diff without structs has nothing the server lacks.)
 */
export function missingOnServer(ydoc: Y.Doc, stateVector: Uint8Array): Uint8Array | null {
  const diff = Y.encodeStateAsUpdate(ydoc, stateVector);
  return Y.parseUpdateMeta(diff).to.size > 0 ? diff : null;
}

/**
 * A document's pending updates, encoded from the document itself (what
 * y-websocket does on reconnect; merging a thousand small updates is far
 * slower): everything from where the pending updates start, per client.
 * Null when the document does not hold them all (then they are merged).
 */
export function pendingFromDoc(ydoc: Y.Doc, span: PendingSpan): Uint8Array | null {
  const store = ydoc.store;
  for (const [client, end] of span.to) if (Y.getState(store, client) < end) return null;
  // The document's state vector (read from its store: no encoding and decoding it), lowered to where the pending updates start.
  const vector = new Map<number, number>();
  for (const client of store.clients.keys()) vector.set(client, Y.getState(store, client));
  for (const [client, start] of span.from) vector.set(client, Math.min(vector.get(client) ?? start, start));
  return Y.encodeStateAsUpdate(ydoc, Y.encodeStateVector(vector));
}
