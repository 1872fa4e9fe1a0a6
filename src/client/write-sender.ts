/**
 * How a client's tracked updates reach the server: at once while frames can
 * go out, merged per document in the `Outbox` while the server's rate limit
 * holds them back, refused here (`too-large`) when their frame would be
 * larger than the server takes, and with the sequence numbers merged into a
 * sent update remembered, so that a refusal of it fails them too.
 */
import { docUpdateFrame } from '../protocol/doc-frame.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { LimitsMessage } from '../protocol/limits-message.ts';
import { Outbox } from './outbox.ts';
import { ServerLimits } from './server-limits.ts';
import { SyncError } from './sync-error.ts';

/** What the sender needs from its sync client. */
export interface WriteSenderHost {
  /** True while the socket is open. */
  open(): boolean;
  /** True when a frame sent now goes out at once. */
  ready(): boolean;
  /** Milliseconds until a frame could go out at once. */
  msUntilReady(): number;
  /** Sends a frame; false when offline. */
  send(frame: Uint8Array): boolean;
  /** The server's rate limit became known. */
  pace(rate: number, burst: number): void;
  /** True while the document is being reset (nothing of it is sent). */
  resetting(doc: string): boolean;
  /** Refuses write `seq` of `doc` (it would be too large): the document returns to the server's state. */
  refuse(doc: string, seq: number, error: SyncError): void;
  /** The update as it goes on the wire (the offline store may add to it). */
  outgoing(doc: string, update: Uint8Array): Uint8Array;
}

/** Sends tracked updates within the server's limits. */
export class WriteSender {
  readonly limits = new ServerLimits();
  readonly #host: WriteSenderHost;
  readonly #outbox: Outbox;
  /** Per merged update's sequence number, the earlier ones merged into it. */
  readonly #covers = new Map<number, readonly number[]>();

  constructor(host: WriteSenderHost) {
    this.#host = host;
    this.#outbox = new Outbox({
      ready: () => host.ready(),
      retryInMs: () => host.msUntilReady(),
      maxBytes: (doc) => this.limits.maxUpdateBytes(doc),
      send: (doc, seq, update, covers) => this.#sendNow(doc, seq, update, covers),
    });
  }

  /** Sends update `seq` of `doc` now, or merged with the document's next ones once the rate limit lets it. */
  send(doc: string, seq: number, update: Uint8Array): void {
    // Later parts of a document being reset build on the refused one: they fail with it.
    if (this.#host.resetting(doc)) return;
    // Offline no frame goes out (pending writes are resent on the next socket): one is built only to refuse an update too large for any.
    if (!this.#host.open() && update.byteLength <= this.limits.maxUpdateBytes(doc)) return;
    if (this.#outbox.size > 0 || (this.#host.open() && !this.#host.ready())) this.#outbox.add(doc, seq, update);
    else this.#sendNow(doc, seq, update, []);
  }

  #sendNow(doc: string, seq: number, update: Uint8Array, covers: readonly number[]): void {
    if (this.#host.resetting(doc)) return;
    if (covers.length > 0) this.#covers.set(seq, covers);
    const frame = docUpdateFrame(doc, seq, this.#host.outgoing(doc, update));
    const max = this.limits.maxFrameBytes;
    if (frame.byteLength > max) {
      // The server would refuse it: refuse it here.
      const message = `the update's frame is ${frame.byteLength} bytes; the server takes frames of at most ${max} bytes`;
      this.#host.refuse(doc, seq, new SyncError(ErrorCode.TooLarge, message, doc));
      return;
    }
    if (this.#host.send(frame)) this.limits.sent(frame.byteLength);
  }

  /** The server announced its limits. */
  announced(message: LimitsMessage): void {
    this.limits.announced(message);
    this.#host.pace(this.limits.messagesPerSecond, this.limits.messageBurst);
  }

  /** The server acknowledged `seq` (it covers the numbers merged into it). */
  acked(seq: number): void {
    this.#covers.delete(seq);
  }

  /** The server refused `seq`: the earlier numbers merged into it, to fail with it. */
  refused(seq: number): readonly number[] {
    const covered = this.#covers.get(seq) ?? [];
    this.#covers.delete(seq);
    return covered;
  }

  /** The socket closed with `code`: what waits is dropped (pending writes are resent on the next socket). */
  closed(code?: number): void {
    if (code !== undefined) this.limits.closed(code);
    this.#outbox.clear();
    this.#covers.clear();
  }
}
