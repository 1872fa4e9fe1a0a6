/**
 * `model.connection` of a model with a server: the socket's state and error,
 * when the model was last fully synced, and the listeners of both.
 */
import type { ConnectionState, ConnectionStatus } from '../model/documents/sync-port.ts';

/** What the status reads from the socket. */
export interface SocketState {
  readonly state: ConnectionState;
  readonly error: string | null;
}

/** The connection status of a sync client, with its listeners. */
export class ClientConnectionStatus implements ConnectionStatus {
  readonly url: string;
  readonly #socket: SocketState;
  readonly #listeners = new Set<(state: ConnectionState) => void>();
  readonly #watchers = new Set<() => void>();
  #notifyQueued = false;
  #lastSyncedAt: number | null = null;

  constructor(url: string, socket: SocketState) {
    this.url = url;
    this.#socket = socket;
  }

  get state(): ConnectionState {
    return this.#socket.state;
  }

  get error(): string | null {
    return this.#socket.error;
  }

  get lastSyncedAt(): number | null {
    return this.#lastSyncedAt;
  }

  on(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  watch(listener: () => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  /** Calls the state listeners (a throwing listener is reported, never stops the others) and the watchers. */
  stateChanged(state: ConnectionState): void {
    for (const listener of this.#listeners) guard('a connection state listener', () => listener(state));
    this.changed();
  }

  /** Every local change is stored by the server, now. */
  synced(): void {
    this.#lastSyncedAt = Date.now();
  }

  /** Tells the watchers, once per microtask, that something changed. */
  changed(): void {
    if (this.#notifyQueued || this.#watchers.size === 0) return;
    this.#notifyQueued = true;
    queueMicrotask(() => {
      this.#notifyQueued = false;
      for (const watcher of this.#watchers) guard('a connection watcher', watcher);
    });
  }
}

/** Runs `fn`, reporting (not rethrowing) what it throws. */
export function guard(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error(`yracer: ${what} threw`, error);
  }
}
