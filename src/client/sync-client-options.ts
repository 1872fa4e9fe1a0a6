/** The options of the sync client, given through `createModel`. */
import type { BackoffOptions } from './backoff.ts';
import type { OfflineStore } from './offline-store.ts';
import type { WebSocketConstructor } from './web-socket-like.ts';

/** Options of the sync client (see `createModel`). */
export interface SyncClientOptions {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  readonly token?: string | (() => string | Promise<string>) | undefined;
  readonly unloadDelayMs?: number | undefined;
  readonly backoff?: BackoffOptions | undefined;
  readonly keepAliveMs?: number | undefined;
  /** Where loaded documents, pending writes and query results are kept across reloads (none by default). */
  readonly offline?: OfflineStore | undefined;
  /** With an offline store: keep tabs sharing it in sync over a BroadcastChannel (default: where it exists). */
  readonly tabSync?: boolean | undefined;
}
