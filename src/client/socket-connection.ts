/**
 * The client's one WebSocket to the server, reconnecting on its own.
 *
 * States: `connecting` (a socket is opening), `online` (open), `offline`
 * (closed; a reconnect is scheduled with backoff and jitter, unless the server
 * refused the credentials with 4401 or the connection was closed for good).
 * While online it sends a ping after 15 s without traffic and drops a socket
 * that stayed silent for 30 s. In a browser it also follows the browser's
 * network events: offline drops the socket at once (no attempts until the
 * network is back), online reconnects at once.
 */
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { browserOnline, watchNetwork } from './network-status.ts';
import { SendPacer } from './send-pacer.ts';
import { OPEN, type WebSocketConstructor, type WebSocketLike } from './web-socket-like.ts';
import type { ConnectionState, FrameRecord } from '../model/documents/sync-port.ts';

/** How long a connection must stay open before the backoff starts over, in ms. */
const STABLE_MS = 5_000;

/** The close code with which the server refuses credentials. */
const UNAUTHORIZED = 4401;

/** Options of a socket connection. */
export interface SocketConnectionOptions {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  /** A token (or a function giving a fresh one before each attempt) sent as the `token` query parameter. */
  readonly token?: string | (() => string | Promise<string>) | undefined;
  readonly backoff?: BackoffOptions | undefined;
  /** Idle time before a ping, in ms (default 15,000); silence for twice as long drops the socket. */
  readonly keepAliveMs?: number | undefined;
  readonly onOpen: () => void;
  readonly onMessage: (frame: Uint8Array) => void;
  readonly onState: (state: ConnectionState, error: string | null) => void;
  /** The server closed the socket with this code (before a reconnect is scheduled). */
  readonly onClose?: ((code: number) => void) | undefined;
  /** Builds a ping frame. */
  readonly ping: () => Uint8Array;
}

/** A reconnecting WebSocket. */
export class SocketConnection {
  state: ConnectionState = 'offline';
  error: string | null = null;
  readonly #options: SocketConnectionOptions;
  #socket: WebSocketLike | null = null;
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastReceived = 0;
  #openedAt = 0;
  #stopped = false;
  #unwatch: (() => void) | null = null;
  readonly #frameObservers = new Set<(frame: FrameRecord) => void>();
  readonly #pacer = new SendPacer((frame) => {
    const socket = this.#socket;
    if (socket && socket.readyState === OPEN) {
      socket.send(frame);
      if (this.#frameObservers.size > 0) this.#observe('out', frame);
    }
  });

  constructor(options: SocketConnectionOptions) {
    this.#options = options;
  }

  /** Opens the socket (again). */
  connect(): void {
    if (this.#stopped || this.#socket) return;
    this.#unwatch ??= watchNetwork(
      () => this.#networkLost(),
      () => this.#networkBack(),
    );
    if (!browserOnline()) {
      // The browser says there is no network: wait for its `online` event.
      this.#setState('offline', null);
      return;
    }
    this.#setState('connecting', null);
    void this.#open();
  }

  async #open(): Promise<void> {
    let url = this.#options.url;
    const { token } = this.#options;
    try {
      const value = typeof token === 'function' ? await token() : token;
      if (value !== undefined) url += `${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(value)}`;
    } catch {
      // The token could not be fetched: try again later.
      this.#setState('offline', null);
      this.#scheduleRetry();
      return;
    }
    if (this.#stopped) return;
    let socket: WebSocketLike;
    try {
      socket = new this.#options.WebSocket(url);
    } catch {
      this.#setState('offline', null);
      this.#scheduleRetry();
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    // A server that accepts TCP but never completes the upgrade must not leave us connecting forever.
    const handshake = setTimeout(() => {
      if (this.#socket !== socket || this.state !== 'connecting') return;
      this.#drop();
      this.#setState('offline', null);
      this.#scheduleRetry();
    }, 2 * (this.#options.keepAliveMs ?? 15_000));
    (handshake as { unref?: () => void }).unref?.();
    socket.onopen = () => {
      clearTimeout(handshake);
      if (this.#socket !== socket) return;
      this.#openedAt = Date.now();
      this.#lastReceived = Date.now();
      this.#startKeepAlive();
      this.#options.onOpen();
      this.#setState('online', null);
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return;
      this.#lastReceived = Date.now();
      const data = event.data;
      // Checked by tag, not instanceof: the socket may come from another realm (jsdom, an iframe).
      const tag = Object.prototype.toString.call(data);
      let frame: Uint8Array | null = null;
      if (tag === '[object ArrayBuffer]') frame = new Uint8Array(data as ArrayBuffer);
      else if (ArrayBuffer.isView(data)) frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (!frame) return;
      if (this.#frameObservers.size > 0) this.#observe('in', frame);
      this.#options.onMessage(frame);
    };
    socket.onclose = (event) => {
      clearTimeout(handshake);
      if (this.#socket !== socket) return;
      this.#drop();
      this.#options.onClose?.(event.code);
      if (event.code === UNAUTHORIZED) {
        this.#stopped = true;
        this.#setState('offline', 'unauthorized');
        return;
      }
      this.#setState('offline', null);
      this.#scheduleRetry();
    };
    socket.onerror = () => undefined;
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#pacer.reset();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Keep an error handler: closing a socket that is still connecting makes it report an error.
      socket.onerror = () => undefined;
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }

  #networkLost(): void {
    if (this.#stopped) return;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    this.#drop();
    this.#setState('offline', null);
  }

  #networkBack(): void {
    if (this.#stopped || this.#socket) return;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    this.#attempt = 0;
    this.connect();
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retry !== null || !browserOnline()) return;
    // Back off afresh only after a connection that stayed up; one dropped at once keeps growing the delay.
    if (this.#openedAt > 0 && Date.now() - this.#openedAt >= STABLE_MS) this.#attempt = 0;
    this.#openedAt = 0;
    const delay = backoffDelay(this.#attempt++, this.#options.backoff);
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.connect();
    }, delay);
  }

  #startKeepAlive(): void {
    const idle = this.#options.keepAliveMs ?? 15_000;
    this.#timer = setInterval(() => {
      const now = Date.now();
      if (now - this.#lastReceived > 2 * idle) {
        // Silent for too long: the connection is dead even if the socket does not know yet.
        this.#drop();
        this.#setState('offline', null);
        this.#scheduleRetry();
      } else if (now - this.#lastReceived >= idle) {
        // Based on what we heard, not what we sent: a busy writer still needs the server's answers.
        this.send(this.#options.ping());
      }
    }, Math.max(50, Math.floor(idle / 3)));
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #setState(state: ConnectionState, error: string | null): void {
    if (this.state === state && this.error === error) return;
    this.state = state;
    this.error = error;
    this.#options.onState(state, error);
  }

  /**
   * Sends a frame if online (at once, or shortly after, in order, to stay
   * under the server's rate limit: see `pace`); returns false when offline.
   * A frame still waiting when the socket drops is not sent.
   */
  send(frame: Uint8Array): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN) return false;
    this.#pacer.send(frame);
    return true;
  }

  /** Calls `observer` for every frame sent or received from now on; returns a function that stops it. */
  observeFrames(observer: (frame: FrameRecord) => void): () => void {
    this.#frameObservers.add(observer);
    return () => this.#frameObservers.delete(observer);
  }

  #observe(direction: FrameRecord['direction'], frame: Uint8Array): void {
    // The kind is the frame's first varint; every kind is below 128, so one byte.
    const record: FrameRecord = { direction, kind: frame[0] ?? -1, bytes: frame.byteLength, at: Date.now() };
    for (const observer of this.#frameObservers) observer(record);
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.#socket !== null && this.#socket.readyState === OPEN;
  }

  /** True when a frame sent now goes out at once: online, within the rate limit, nothing waiting. */
  ready(): boolean {
    const socket = this.#socket;
    return socket !== null && socket.readyState === OPEN && this.#pacer.ready();
  }

  /** Milliseconds until a frame could go out at once (online). */
  msUntilReady(): number {
    return this.#pacer.msUntilToken();
  }

  /** The server's message rate limit (per second, 0: none, and at once): sends stay under it. */
  pace(rate: number, burst: number): void {
    this.#pacer.limit(rate, burst);
  }

  /** Closes the current socket; a reconnect follows with backoff (for tests and "go offline" buttons). */
  disconnect(): void {
    if (!this.#socket) return;
    this.#drop();
    this.#setState('offline', null);
    this.#scheduleRetry();
  }

  /** Closes for good. */
  close(): void {
    this.#stopped = true;
    this.#unwatch?.();
    this.#unwatch = null;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    this.#drop();
    this.#setState('offline', this.error);
  }
}
