/**
 * `model.connection` of an in-process model (`server.createModel()`): it is
 * online until the model closes, and `lastSyncedAt` is when its writes were
 * last all stored.
 */
import type { ConnectionState, ConnectionStatus } from '../model/sync-port.ts';

/** The connection status of an in-process model. */
export class InProcessConnection implements ConnectionStatus {
  readonly url = null;
  readonly error = null;
  readonly #closed: () => boolean;
  readonly #lastSyncedAt: () => number | null;
  readonly #watchers: Set<() => void>;

  constructor(closed: () => boolean, lastSyncedAt: () => number | null, watchers: Set<() => void>) {
    this.#closed = closed;
    this.#lastSyncedAt = lastSyncedAt;
    this.#watchers = watchers;
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
