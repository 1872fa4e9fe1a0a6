/**
 * The part of the browser's WebSocket API the client uses. Browsers (and
 * Node 22+) have it as `globalThis.WebSocket`; on Node 20 pass the `ws`
 * package's `WebSocket` to `createModel({ WebSocket })`.
 */

/**
 * An event handler property. Declared through a method so that its parameter
 * is compared bivariantly: a socket whose handlers take richer events (the
 * `ws` package's `MessageEvent`, `CloseEvent`) still fits.
 */
type Handler<E> = { handle(event: E): void }['handle'];

/** A WebSocket as the client uses it (the browser's and the `ws` package's both fit). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * The WebSocket constructor to use: the given one, or the global one. With
 * neither it throws a `TypeError` saying to pass one, unless `lazy`: then it
 * returns a constructor that looks for the global one when a socket is
 * opened (a model created with `connect: false`, such as `SyncProvider`'s
 * during a server-side render on Node 20, never opens one there).
 */
export function resolveWebSocket(given: WebSocketConstructor | undefined, lazy = false): WebSocketConstructor {
  const found = given ?? globalWebSocket();
  if (found) return found;
  if (lazy) return lazyWebSocket;
  throw noWebSocket();
}

function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

function noWebSocket(): TypeError {
  return new TypeError(
    'yracer createModel({ url }): no WebSocket available; on Node 20 pass one: createModel({ url, WebSocket }) with `import { WebSocket } from "ws"`',
  );
}

/** Opens a socket with the global WebSocket of the moment (a constructor returning another object yields it). */
const lazyWebSocket = function LazyWebSocket(url: string): WebSocketLike {
  const found = globalWebSocket();
  if (!found) throw noWebSocket();
  return new found(url);
} as unknown as WebSocketConstructor;

/** `WebSocket.OPEN`. */
export const OPEN = 1;
