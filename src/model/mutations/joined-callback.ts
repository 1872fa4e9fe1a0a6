/**
 * `JoinedCallback`: one write callback for an operation made of several
 * writes (a ref list's `push` writes its items, then its ids): each write
 * gets a part, and the caller's callback is called once, after `seal()`,
 * when every part has reported, with the first error any part reported.
 */
import type { WriteCallback } from './write-callback.ts';

/** Joins the callbacks of several writes into `callback` (nothing to join when it is undefined). */
export class JoinedCallback {
  readonly #callback: WriteCallback | undefined;
  #open = 0;
  #sealed = false;
  #error: Error | undefined;
  #called = false;

  constructor(callback: WriteCallback | undefined) {
    this.#callback = callback;
  }

  /** The callback to hand one more write (undefined when nobody waits). */
  part(): WriteCallback | undefined {
    if (!this.#callback) return undefined;
    this.#open += 1;
    let reported = false;
    return (error?: Error) => {
      if (reported) return;
      reported = true;
      this.#open -= 1;
      this.#error ??= error;
      this.#settle();
    };
  }

  /** Every write has its part: the callback is called once they all reported (at once when none was handed out). */
  seal(): void {
    this.#sealed = true;
    this.#settle();
  }

  #settle(): void {
    if (!this.#sealed || this.#open > 0 || this.#called || !this.#callback) return;
    this.#called = true;
    if (this.#error) this.#callback(this.#error);
    else this.#callback();
  }
}
