/**
 * `ClientHistory`: a sync client's `history` requests (docs/history.md) and
 * their answers. Each request waits for its `history-result` or `error`
 * (matched by request id); a request whose socket dropped is sent again
 * on the next one, and every waiting request rejects when the model closes.
 */
import { historyMessage } from '../protocol/history-message.ts';
import type { HistoryResultMessage } from '../protocol/history-result-message.ts';

/** What `ClientHistory` needs from its client. */
export interface ClientHistoryHost {
  readonly nextRequest: () => number;
  /** Sends a frame (dropped while offline: `resendAll` sends it again). */
  readonly send: (frame: Uint8Array) => void;
}

interface Waiting {
  readonly frame: Uint8Array;
  readonly resolve: (json: string) => void;
  readonly reject: (error: Error) => void;
}

/** The history requests of one sync client. */
export class ClientHistory {
  readonly #host: ClientHistoryHost;
  readonly #waiting = new Map<number, Waiting>();

  constructor(host: ClientHistoryHost) {
    this.#host = host;
  }

  /** Asks for a document's checkpoints (`checkpoint` 0) or its value at one; resolves to the answer's JSON text. */
  request(doc: string, checkpoint: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const request = this.#host.nextRequest();
      const frame = historyMessage.encode({ request, doc, checkpoint });
      this.#waiting.set(request, { frame, resolve, reject });
      this.#host.send(frame);
    });
  }

  /** An answer came; false when it answers no request of ours. */
  onResult(message: HistoryResultMessage): boolean {
    const waiting = this.#waiting.get(message.request);
    if (!waiting) return false;
    this.#waiting.delete(message.request);
    waiting.resolve(message.json);
    return true;
  }

  /** An `error` about a request came; false when it is not one of ours. */
  onError(request: number, error: Error): boolean {
    const waiting = this.#waiting.get(request);
    if (!waiting) return false;
    this.#waiting.delete(request);
    waiting.reject(error);
    return true;
  }

  /** A new socket opened: sends every unanswered request again. */
  resendAll(): void {
    for (const waiting of this.#waiting.values()) this.#host.send(waiting.frame);
  }

  /** The model closed: every unanswered request rejects with `error`. */
  closeAll(error: Error): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const entry of waiting) entry.reject(error);
  }
}
