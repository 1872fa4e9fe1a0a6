/**
 * `AckBatch`: the acknowledgements of one connection, sent together at the
 * end of a turn of the event loop, one per document with its highest
 * number. An `ack` covers the document's earlier updates from the same
 * connection, so a commit of many writes costs one frame per document
 * instead of one per write.
 */
import { ackMessage } from '../protocol/ack-message.ts';

/** Collects a connection's acks for the current turn (see `AckBatch`). */
export class AckBatch {
  readonly #send: (frame: Uint8Array) => void;
  readonly #acks = new Map<string, number>();

  /** `send` sends a frame on the connection (it drops frames once the socket closed). */
  constructor(send: (frame: Uint8Array) => void) {
    this.#send = send;
  }

  /** Update `seq` of `doc` is stored: acknowledged at the end of this turn (with any later one of the document). */
  add(doc: string, seq: number): void {
    if (this.#acks.size === 0) setImmediate(() => this.#flush());
    if (seq > (this.#acks.get(doc) ?? 0)) this.#acks.set(doc, seq);
  }

  #flush(): void {
    const acks = [...this.#acks.values()];
    this.#acks.clear();
    for (const seq of acks) this.#send(ackMessage.encode({ seq }));
  }
}
