/**
 * `model.connection` of an in-process model (`server.createModel()`): it is
 * online until the model closes, and `lastSyncedAt` is when its writes were
 * last all stored.
 */
import type { ConnectionState, ConnectionStatus } from '../model/documents/sync-port.ts';

/** The connection status of an in-process model. */
export class InProcessConnection implements ConnectionStatus {
  readonly url = null;
  readonly error = null;
  readonly #closed: () => boolean;
  readonly #lastSyncedAt: () => number | null;
  readonly #watchers = new Set<() => void>();
  readonly #onWatcherError: (error: unknown) => void;

  constructor(closed: () => boolean, lastSyncedAt: () => number | null, onWatcherError: (error: unknown) => void) {
    this.#closed = closed;
    this.#lastSyncedAt = lastSyncedAt;
    this.#onWatcherError = onWatcherError;
  }

  /** Tells every watcher that something changed (a watcher that throws is reported, the others still hear it). */
  changed(): void {
    for (const watcher of this.#watchers) {
      try {
        watcher();
      } catch (error) {
        this.#onWatcherError(error);
      }
    }
  }

  get state(): ConnectionState {
    return this.#closed() ? 'offline' : 'online';
  }

  get lastSyncedAt(): number | null {
    return this.#lastSyncedAt();
  }

  on(): () => void {
    return () => undefined;
  }

  watch(listener: () => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }
}
