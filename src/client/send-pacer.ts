/**
 * Keeps what a client sends under the server's message rate limit: a token
 * bucket like the server's (`messageBurst` at once, refilled at
 * `maxMessagesPerSecond`), with a margin. Frames that find the bucket empty
 * wait, in order, until it has refilled; so a client that reconnects with
 * thousands of pending writes is never closed with 4429 for sending them.
 */
import { DEFAULT_MESSAGE_BURST, DEFAULT_MESSAGES_PER_SECOND } from '../protocol/limits-message.ts';

/** The share of the server's limits a client uses (the server's clock and ours differ a little). */
const MARGIN = 0.8;

/** A token bucket with a queue of frames waiting for tokens. */
export class SendPacer {
  #rate = DEFAULT_MESSAGES_PER_SECOND * MARGIN;
  #burst = DEFAULT_MESSAGE_BURST * MARGIN;
  #tokens = this.#burst;
  #refilledAt = performance.now();
  readonly #waiting: Uint8Array[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #write: (frame: Uint8Array) => void;

  /** `write` sends a frame on the socket (called in order, when a token is there). */
  constructor(write: (frame: Uint8Array) => void) {
    this.#write = write;
  }

  /** The server's limits (`rate` 0: no limit). */
  limit(rate: number, burst: number): void {
    this.#refill();
    this.#rate = rate > 0 ? rate * MARGIN : Infinity;
    this.#burst = rate > 0 ? Math.max(1, burst * MARGIN) : Infinity;
    this.#tokens = Math.min(this.#tokens, this.#burst);
    this.#flush();
  }

  /** A new socket: the server's bucket starts full. Frames still waiting are dropped (the caller resends what matters). */
  reset(): void {
    this.#waiting.length = 0;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#tokens = this.#burst;
    this.#refilledAt = performance.now();
  }

  /** Sends `frame` now if a token is there and nothing waits, or later, in order. */
  send(frame: Uint8Array): void {
    this.#waiting.push(frame);
    this.#flush();
  }

  /** True when a frame sent now goes out at once (a token is there and nothing waits). */
  ready(): boolean {
    if (this.#waiting.length > 0) return false;
    this.#refill();
    return this.#tokens >= 1;
  }

  /** Milliseconds until the next token. */
  msUntilToken(): number {
    this.#refill();
    if (this.#tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#rate));
  }

  /** Frames waiting for tokens. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #refill(): void {
    const now = performance.now();
    if (this.#rate === Infinity) this.#tokens = Infinity;
    else this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#refilledAt) * this.#rate) / 1000);
    this.#refilledAt = now;
  }

  #flush(): void {
    this.#refill();
    while (this.#waiting.length > 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#write(this.#waiting.shift() as Uint8Array);
    }
    if (this.#waiting.length === 0 || this.#timer !== null) return;
    const wait = Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#rate));
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#flush();
    }, wait);
  }
}
