/**
 * `createModel()`: the entry point. Without a URL the model is local (in
 * memory only); with one it syncs with a yracer server over one WebSocket.
 */
import { createLocalModel, type LocalModelOptions } from '../model/create-model.ts';
import type { Model } from '../model/model.ts';
import type { TypedModel } from '../model/typed-model.ts';
import { loadBundle, readBundle, type ModelBundle } from '../model/model-bundle.ts';
import type { BackoffOptions } from './backoff.ts';
import { indexedDbStore } from './indexeddb-store.ts';
import type { OfflineStore } from './offline-store.ts';
import { SyncClient } from './sync-client.ts';
import { resolveWebSocket, type WebSocketConstructor } from './web-socket-like.ts';
import type { SchemaMap } from '../schema/standard-schema.ts';

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
  /**
   * Keep what the model loads, and the writes the server has not stored yet,
   * across page loads: `'indexeddb'` (one IndexedDB database named after the
   * URL), a store of your own (`indexedDbStore({ name })`, for instance), or
   * `false`. Default: `'indexeddb'` where IndexedDB exists (browsers), else
   * `false`. With a store, `subscribe`/`fetch` and a query's `subscribe`
   * resolve as soon as the stored copy is in the model; the server's answer
   * follows.
   */
  readonly offline?: 'indexeddb' | false | OfflineStore;
  /**
   * With an offline store: tabs whose stores share a name stay in sync over a
   * BroadcastChannel, also offline; each tab sends only its own writes to the
   * server. Default: true where BroadcastChannel exists.
   */
  readonly tabSync?: boolean;
}

/** The offline store `createModel` uses for its options. */
function offlineStore(options: CreateModelOptions, url: string): OfflineStore | undefined {
  const offline = options.offline ?? ((globalThis as { indexedDB?: unknown }).indexedDB ? 'indexeddb' : false);
  if (offline === false) return undefined;
  if (offline === 'indexeddb') return indexedDbStore({ name: `yracer ${url}` });
  if (typeof offline !== 'object' || offline === null || typeof offline.loadDocs !== 'function') {
    throw new TypeError("yracer createModel({ offline }): expected 'indexeddb', false or an offline store");
  }
  return offline;
}

/**
 * Creates a model.
 *
 * @example
 * const model = createModel({ url: 'ws://localhost:3000/' });
 * await model.subscribe('todos.a1');
 * model.set('todos.a1.done', true, (error) => { if (!error) console.log('stored'); });
 */
export function createModel(options?: CreateModelOptions): Model;
/**
 * Creates a model typed by a schema map: the same runtime model, with paths, values, `add` and `query` checked by the schema's types.
 *
 * @example
 * const model = createModel<typeof schema>({ url: 'ws://localhost:3000/' });
 * model.set('todos.a1.done', true); // model.set('todos.a1.dne', true) does not compile
 */
export function createModel<S extends SchemaMap>(options?: CreateModelOptions): TypedModel<S>;
export function createModel(options: CreateModelOptions = {}): Model | TypedModel<SchemaMap> {
  const bundle = options.bundle === undefined ? null : readBundle(options.bundle);
  const model = createLocalModel(options);
  if (options.url === undefined) {
    if (bundle) loadBundle(model, bundle);
    return model;
  }
  const client = new SyncClient(model, {
    url: options.url,
    WebSocket: resolveWebSocket(options.WebSocket, options.connect === false),
    token: options.token,
    unloadDelayMs: options.unloadDelayMs,
    backoff: options.backoff,
    keepAliveMs: options.keepAliveMs,
    offline: offlineStore(options, options.url),
    tabSync: options.tabSync,
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
