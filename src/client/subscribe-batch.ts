/**
 * Subscribe requests made in one turn of the event loop, sent together: one
 * `subscribe` when there is one, `subscribe-many` messages (per mode, at most
 * `SUBSCRIBE_MANY_MAX` entries each) when there are more. A reconnecting
 * client that holds thousands of documents so sends a handful of messages,
 * which keeps it under the server's message rate limit.
 */
import { subscribeManyMessage, SUBSCRIBE_MANY_MAX } from '../protocol/subscribe-many-message.ts';
import { subscribeMessage } from '../protocol/subscribe-message.ts';

/** About the most bytes of entries one `subscribe-many` carries (well under any sensible `maxFrameBytes`). */
const MAX_BATCH_BYTES = 256 * 1024;

/** One subscribe request. */
export interface SubscribeRequest {
  readonly request: number;
  readonly doc: string;
  readonly stateVector: Uint8Array;
}

/** Subscribe requests waiting for the end of the turn. */
export class SubscribeBatch {
  readonly #send: (frame: Uint8Array) => void;
  readonly #byMode = new Map<number, SubscribeRequest[]>();
  #scheduled = false;

  /** `send` sends a frame (or drops it while offline: requests are made again on reconnect). */
  constructor(send: (frame: Uint8Array) => void) {
    this.#send = send;
  }

  /** Adds a request; it goes out at the end of the current turn. */
  add(mode: number, request: SubscribeRequest): void {
    const list = this.#byMode.get(mode);
    if (list) list.push(request);
    else this.#byMode.set(mode, [request]);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Sends every waiting request now. */
  flush(): void {
    this.#scheduled = false;
    if (this.#byMode.size === 0) return;
    const batches = [...this.#byMode];
    this.#byMode.clear();
    for (const [mode, requests] of batches) {
      if (requests.length === 1) {
        const [only] = requests as [SubscribeRequest];
        this.#send(subscribeMessage.encode({ ...only, mode }));
        continue;
      }
      // At most SUBSCRIBE_MANY_MAX entries and about MAX_BATCH_BYTES per message.
      let docs: SubscribeRequest[] = [];
      let bytes = 0;
      for (const request of requests) {
        const size = 3 * request.doc.length + request.stateVector.byteLength + 16;
        if (docs.length > 0 && (docs.length >= SUBSCRIBE_MANY_MAX || bytes + size > MAX_BATCH_BYTES)) {
          this.#send(subscribeManyMessage.encode({ mode, docs }));
          docs = [];
          bytes = 0;
        }
        docs.push(request);
        bytes += size;
      }
      if (docs.length > 0) this.#send(subscribeManyMessage.encode({ mode, docs }));
    }
  }
}
