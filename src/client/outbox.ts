/**
 * Writes that wait while the client sends as fast as the server's rate
 * limit allows. Instead of queueing one frame per write (and so writing no
 * faster than the limit), the waiting updates of each document are merged
 * and go out as one frame under the newest sequence number: the server's
 * `ack` of it covers every earlier update of the document, so writing fast
 * costs fewer messages, not throughput.
 */
import * as Y from 'yjs';
import { runsWithin } from './runs-within.ts';

/** What the outbox needs from its sync client. */
export interface OutboxHost {
  /** True when a frame can go out now (online, within the rate limit, nothing queued). */
  ready(): boolean;
  /** Milliseconds until the next frame could go out. */
  retryInMs(): number;
  /** The largest update a frame about `doc` can carry. */
  maxBytes(doc: string): number;
  /** Sends one update of `doc` under `seq`; `covers` are the earlier sequence numbers merged into it. */
  send(doc: string, seq: number, update: Uint8Array, covers: readonly number[]): void;
}

interface Waiting {
  readonly seq: number;
  readonly update: Uint8Array;
}

/** Updates waiting for the rate limit, per document, oldest document first. */
export class Outbox {
  readonly #host: OutboxHost;
  readonly #waiting = new Map<string, Waiting[]>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(host: OutboxHost) {
    this.#host = host;
  }

  /** Number of documents with waiting updates. */
  get size(): number {
    return this.#waiting.size;
  }

  /** Queues an update of `doc` (sequence number `seq`) and sends what it can. */
  add(doc: string, seq: number, update: Uint8Array): void {
    const list = this.#waiting.get(doc);
    if (list) list.push({ seq, update });
    else this.#waiting.set(doc, [{ seq, update }]);
    this.flush();
  }

  /** Sends waiting documents while frames can go out; schedules the rest. */
  flush(): void {
    for (const [doc, list] of this.#waiting) {
      if (!this.#host.ready()) break;
      this.#waiting.delete(doc);
      for (const part of runsWithin(list, (w) => w.update.byteLength, this.#host.maxBytes(doc))) {
        const last = part[part.length - 1] as Waiting;
        const update = part.length === 1 ? last.update : Y.mergeUpdates(part.map((w) => w.update));
        this.#host.send(
          doc,
          last.seq,
          update,
          part.slice(0, -1).map((w) => w.seq),
        );
      }
    }
    if (this.#waiting.size === 0 || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, this.#host.retryInMs());
  }

  /** Drops everything waiting (the socket closed: pending writes are resent on the next one). */
  clear(): void {
    this.#waiting.clear();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
