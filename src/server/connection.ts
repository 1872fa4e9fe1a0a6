/**
 * What both kinds of WebSocket connection share: authentication (messages
 * queue until it completes, up to a cap), handling one frame at a time in
 * arrival order, the frame size limit, the message rate limit, keep-alive,
 * and closing.
 */
import type { DocumentHistory } from './document-history.ts';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { CloseCode } from '../protocol/error-code.ts';
import type { AccessRules } from './access-rules.ts';
import type { ConnectionMeter } from './connection-meter.ts';
import { ioTurn } from './io-turns.ts';
import type { LiveQueries } from './live-queries.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import type { ResolvedServerOptions } from './server-options.ts';
import type { Session } from './session.ts';

/** What a connection needs from its server. */
export interface ConnectionContext {
  readonly options: ResolvedServerOptions;
  readonly registry: RoomRegistry;
  readonly queries: LiveQueries;
  /** The server's rules and schema. */
  readonly access: AccessRules;
  /** Counts the connection's traffic into the server's metrics (absent while the server has none). */
  readonly meter?: ConnectionMeter;
  /** The server's document history (absent or null when off). */
  readonly history?: DocumentHistory | null;
}

/** How long a closed socket may take to finish the closing handshake before it is cut. */
const CLOSE_GRACE_MS = 1_000;

/** Frames waiting to be handled before reading pauses, and below which it resumes. */
const BACKLOG_PAUSE = 256;
const BACKLOG_RESUME = 64;

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/** A server-side WebSocket connection. */
export abstract class Connection implements RoomPeer {
  readonly ws: WebSocket;
  readonly request: IncomingMessage;
  protected readonly context: ConnectionContext;
  /** The session returned by `authenticate` (`{}` without one); null until authenticated. */
  session: Session | null = null;
  /** Set on pong; cleared when a ping is sent (a connection that stays cleared is dead). */
  alive = true;
  /** When the last message was sent (for keep-alive). */
  lastSent = Date.now();
  #queue: Array<[Uint8Array, boolean]> | null = [];
  #queuedBytes = 0;
  /** Frames received but not handled yet; reading pauses while there are many. */
  #backlog = 0;
  #paused = false;
  #inbox: Promise<void> = Promise.resolve();
  #closed = false;
  /** Messages this connection may still send at once (a token bucket of `messageBurst` tokens, refilled at `maxMessagesPerSecond`). */
  #tokens: number;
  /** When the bucket was last refilled (performance.now()). */
  #refilledAt = performance.now();

  constructor(ws: WebSocket, request: IncomingMessage, context: ConnectionContext) {
    this.ws = ws;
    this.request = request;
    this.context = context;
    this.#tokens = context.options.messageBurst;
    ws.on('message', (data, isBinary) => this.#onMessage(toBytes(data), isBinary));
    ws.on('close', () => this.#onClose());
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (error) => this.log('warn', `socket error (${error.message})`));
  }

  /** Starts authentication; call once the subclass is fully constructed. */
  start(): void {
    void this.#authenticate();
  }

  /** True once the socket closed (or is closing). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Writes a log line that names this connection. */
  protected log(level: 'info' | 'warn' | 'error', message: string): void {
    const address = this.request.socket.remoteAddress ?? '?';
    // Client-supplied text (document names, say) must not forge log lines: escape control characters.
    const line = `${this.describe()} from ${address}: ${message}`.replace(
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      /[\u0000-\u001f\u007f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    this.context.options.log(level, line);
  }

  /** A short name for log lines. */
  protected abstract describe(): string;

  /** Called once authenticated, before any queued message is handled. */
  protected abstract open(): Promise<void>;

  /** Handles one frame (frames are handled one at a time, in order). */
  protected abstract handle(frame: Uint8Array, isBinary: boolean): Promise<void> | void;

  /** Called once when the socket has closed. */
  protected abstract onClosed(): void;

  /**
   * A frame over `maxFrameBytes` arrived (it is at most twice that: `ws`
   * closes larger ones): answer it and return true, or return false to have
   * the socket closed with 4413.
   */
  protected refuseOversized(_frame: Uint8Array): boolean {
    return false;
  }

  /** Sends a y-protocols payload about a room's document. */
  abstract sendPayload(room: Room, payload: Uint8Array): void;

  /** The room was discarded; see `RoomPeer.roomLost`. */
  abstract roomLost(room: Room): void;

  /** Sends bytes if the socket is open. */
  send(bytes: Uint8Array): void {
    if (this.#closed || this.ws.readyState !== this.ws.OPEN) return;
    const { maxBufferedBytes } = this.context.options;
    if (this.ws.bufferedAmount + bytes.byteLength > maxBufferedBytes) {
      this.log('warn', `reads too slowly (over ${maxBufferedBytes} bytes waiting to be sent); closed`);
      this.close(CloseCode.SlowClient, 'reading too slowly');
      return;
    }
    this.lastSent = Date.now();
    this.ws.send(bytes);
    this.context.meter?.sent(bytes);
  }

  /** Closes the socket with a code and a short reason. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    // Do not wait long for its side of the closing handshake (what it still sends is ignored).
    this.ws.close(code, reason.slice(0, 120));
    const ws = this.ws;
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref?.();
    this.#onClose();
  }

  async #authenticate(): Promise<void> {
    const { authenticate } = this.context.options;
    try {
      this.session = authenticate ? await Promise.resolve().then(() => authenticate(this.request)) : {};
    } catch (error) {
      this.log('warn', `authentication refused (${error instanceof Error ? error.message : String(error)})`);
      this.close(CloseCode.Unauthorized, 'unauthorized');
      return;
    }
    if (this.#closed) return;
    const queued = this.#queue ?? [];
    this.#queue = null;
    this.#inbox = this.#inbox.then(() => this.open());
    for (const [frame, isBinary] of queued) this.#enqueue(frame, isBinary);
  }

  /** Takes a token for one message; false when the bucket is empty (the connection sends too fast). */
  #takeToken(): boolean {
    const { maxMessagesPerSecond, messageBurst } = this.context.options;
    const now = performance.now();
    const elapsed = now - this.#refilledAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(messageBurst, this.#tokens + (elapsed * maxMessagesPerSecond) / 1000);
      this.#refilledAt = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #onMessage(frame: Uint8Array, isBinary: boolean): void {
    if (this.#closed) return;
    this.context.meter?.received(frame, performance.now());
    const { maxFrameBytes, maxQueuedBeforeAuth } = this.context.options;
    if (!this.#takeToken()) {
      const { maxMessagesPerSecond, messageBurst } = this.context.options;
      this.log('warn', `sends too many messages (over ${messageBurst} at once or ${maxMessagesPerSecond} a second); closed`);
      // Closing drops this frame and every one received but not handled yet.
      this.close(CloseCode.TooManyMessages, 'too many messages');
      return;
    }
    if (frame.byteLength > maxFrameBytes) {
      // Answered without closing when the protocol can say so (an update: `too-large`); otherwise closed.
      if (this.#queue === null && this.refuseOversized(frame)) return;
      this.log('warn', `frame of ${frame.byteLength} bytes is over the limit of ${maxFrameBytes}`);
      this.close(CloseCode.FrameTooLarge, 'frame too large');
      return;
    }
    if (this.#queue !== null) {
      const { maxQueuedBytesBeforeAuth } = this.context.options;
      const tooMany = this.#queue.length >= maxQueuedBeforeAuth;
      if (tooMany || this.#queuedBytes + frame.byteLength > maxQueuedBytesBeforeAuth) {
        const limit = tooMany ? `${maxQueuedBeforeAuth} messages` : `${maxQueuedBytesBeforeAuth} bytes`;
        this.log('warn', `more than ${limit} before authentication completed`);
        this.close(CloseCode.TooManyMessages, 'too many messages before authentication');
        return;
      }
      this.#queuedBytes += frame.byteLength;
      this.#queue.push([frame, isBinary]);
      return;
    }
    this.#enqueue(frame, isBinary);
  }

  #enqueue(frame: Uint8Array, isBinary: boolean): void {
    this.#backlog += 1;
    if (this.#backlog > BACKLOG_PAUSE && !this.#paused) {
      // Handling is behind (a slow load, say): stop reading until it catches up.
      this.#paused = true;
      this.ws.pause();
    }
    this.#inbox = this.#inbox
      .then(() => ioTurn())
      .then(() => (this.#closed ? undefined : this.handle(frame, isBinary)))
      .catch((error: unknown) => this.log('error', `handling a message failed (${String(error)})`))
      .finally(() => {
        this.#backlog -= 1;
        if (this.#paused && this.#backlog < BACKLOG_RESUME) {
          this.#paused = false;
          if (!this.#closed) this.ws.resume();
        }
      });
  }

  #onClose(): void {
    if (this.#cleanedUp) return;
    this.#cleanedUp = true;
    this.#closed = true;
    this.onClosed();
  }

  #cleanedUp = false;
}
