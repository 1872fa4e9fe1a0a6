/**
 * What the sync client does when its socket opens or its connection state
 * changes: on every (re)connect it resends what is pending (merged per
 * document, split to the server's frame limit) and re-subscribes; on a
 * state change it updates `$connection`, and when the server refused the
 * credentials for good it fails everything waiting.
 */
import type { ConnectionState } from '../model/documents/sync-port.ts';
import { guard } from './client-connection-status.ts';
import type { ClientParts } from './client-parts.ts';
import { pendingFromDoc } from './server-state.ts';
import type { PendingSpan } from './pending-writes.ts';
import { SyncError } from './sync-error.ts';

/**
 * Reacts to the socket's open and state events for one sync client.
 *
 * @example
 * const events = new ConnectionEvents(parts);
 * new SocketConnection({ ..., onOpen: () => events.opened(), onState: (state, error) => events.stateChanged(state, error) });
 */
export class ConnectionEvents {
  readonly #parts: ClientParts;

  constructor(parts: ClientParts) {
    this.#parts = parts;
  }

  /** A socket opened: resends the pending writes, holds, resets, presences, queries and history requests. */
  opened(): void {
    const { pending, resets, docs, writer } = this.#parts;
    for (const name of pending.docs()) {
      if (resets.has(name)) continue;
      const ydoc = docs.get(name)?.ydoc;
      const encode = ydoc ? (span: PendingSpan) => pendingFromDoc(ydoc, span) : undefined;
      // What grew past a frame while offline goes in several.
      for (const part of pending.rebase(name, encode, writer.limits.maxUpdateBytes(name))) writer.send(name, part.seq, part.update);
    }
    this.#parts.offline?.adopt();
    this.#parts.holds.resendAll();
    resets.resendAll();
    this.#parts.presences.reconnected();
    this.#parts.queries.resendAll();
    this.#parts.history.resendAll();
  }

  /** The connection state changed (with the error that closed it, if any). */
  stateChanged(state: ConnectionState, error: string | null): void {
    const { model, status, presences, writer } = this.#parts;
    // Listener errors are reported, never allowed to stop the connection's own work.
    if (!model.store.closed) {
      // Retrying while the server is down repeats the same error: written (and heard) only when it changes.
      guard('a $connection listener', () => model.set('$connection.state', state));
      if (model.get('$connection.error') !== error) guard('a $connection listener', () => model.set('$connection.error', error));
    }
    status.stateChanged(state);
    if (state === 'offline') {
      presences.dropped();
      // Pending writes are resent on the next socket.
      writer.closed();
    }
    if (error === 'unauthorized') {
      // The server refused the credentials for good: nothing waiting can be answered.
      const refusal = new SyncError('unauthorized', 'the server refused the credentials', null);
      this.#parts.holds.rejectAll(refusal);
      this.#parts.pending.refuseAll(refusal);
      this.#parts.queries.close(refusal);
    }
  }
}
