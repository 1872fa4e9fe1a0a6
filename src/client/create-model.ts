/**
 * `createModel()`: the entry point. Without a URL the model is local (in
 * memory only); with one it syncs with a yracer server over one WebSocket.
 */
import { createLocalModel, type LocalModelOptions } from '../model/create-model.ts';
import type { Model } from '../model/model.ts';
import { loadBundle, readBundle, type ModelBundle } from '../model/model-bundle.ts';
import type { BackoffOptions } from './backoff.ts';
import { SyncClient } from './sync-client.ts';
import { resolveWebSocket, type WebSocketConstructor } from './web-socket-like.ts';

/** Options of `createModel`. */
export interface CreateModelOptions extends LocalModelOptions {
  /** The server's URL (`ws://host:port/`); without it the model is local. */
  readonly url?: string;
  /** Sent as the `token` query parameter; a function is called before every connection attempt (to refresh it). */
  readonly token?: string | (() => string | Promise<string>);
  /** The WebSocket class (default `globalThis.WebSocket`; on Node 20 pass `WebSocket` from `ws`). */
  readonly WebSocket?: WebSocketConstructor;
  /** How long released documents stay in the model, in ms (default 1,000); a new subscribe within it keeps them. */
  readonly unloadDelayMs?: number;
  /** Reconnect backoff (default: from 250 ms doubling up to 10 s, with jitter). */
  readonly backoff?: BackoffOptions;
  /** Idle time before a keep-alive ping, in ms (default 15,000). */
  readonly keepAliveMs?: number;
  /**
   * What `model.bundle()` returned in another process (a server-side render):
   * the model starts with those documents and local values, and subscribes
   * again to what the bundle's model subscribed to, so later changes arrive.
   * A malformed bundle throws a `TypeError` saying what is wrong.
   */
  readonly bundle?: ModelBundle | undefined;
  /** Open the connection at once (default true); with false, call `model.connect()` later. */
  readonly connect?: boolean;
}

/**
 * Creates a model.
 *
 * @example
 * const model = createModel({ url: 'ws://localhost:3000/' });
 * await model.subscribe('todos.a1');
 * model.set('todos.a1.done', true, (error) => { if (!error) console.log('stored'); });
 */
export function createModel(options: CreateModelOptions = {}): Model {
  const bundle = options.bundle === undefined ? null : readBundle(options.bundle);
  const model = createLocalModel(options);
  if (options.url === undefined) {
    if (bundle) loadBundle(model, bundle);
    return model;
  }
  const client = new SyncClient(model, {
    url: options.url,
    WebSocket: resolveWebSocket(options.WebSocket),
    token: options.token,
    unloadDelayMs: options.unloadDelayMs,
    backoff: options.backoff,
    keepAliveMs: options.keepAliveMs,
  });
  model.store.sync = client;
  if (bundle) {
    loadBundle(model, bundle);
    model.subscribe(bundle.subscribe.map((ref) => `${ref.collection}.${ref.id}`)).catch((error: unknown) => {
      if (!model.store.closed) console.error('yracer: subscribing to the documents of the bundle failed', error);
    });
  }
  if (options.connect ?? true) client.connect();
  return model;
}
