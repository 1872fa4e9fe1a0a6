/**
 * `ChangeNotices`: the change feed's messages between processes sharing
 * storage (with a fan-out). After a process recorded changes of a collection
 * (committed), it publishes a notice on the collection's channel
 * (`changes:<collection>`); a process with consumers waiting on that
 * collection listens there and wakes them, so they read what the other
 * process recorded at once instead of at the next poll. Notices are hints:
 * a lost one is made up for by the feed's polling (`pollMs`).
 */
import type { Fanout } from '../fanout/fanout.ts';

/** The fan-out channel of a collection's change notices. */
const changesChannel = (collection: string): string => `changes:${collection}`;

const NOTICE = new Uint8Array([1]);

/** Change notices over a fan-out (see the module comment). */
export class ChangeNotices {
  readonly #fanout: Fanout;
  readonly #wake: (collection: string) => void;
  /** The subscriptions of the collections with waiting consumers, by collection. */
  readonly #listening = new Map<string, () => void>();

  /** `wake` is called with a collection another process recorded changes of. */
  constructor(fanout: Fanout, wake: (collection: string) => void) {
    this.#fanout = fanout;
    this.#wake = wake;
  }

  /** Starts (or stops) listening for other processes' changes of `collection`. */
  watch(collection: string, watching: boolean): void {
    const stop = this.#listening.get(collection);
    if (watching && !stop) this.#listening.set(collection, this.#fanout.subscribe(changesChannel(collection), () => this.#wake(collection)));
    if (!watching && stop) {
      this.#listening.delete(collection);
      stop();
    }
  }

  /** Changes of `collection` were recorded here (committed): tell the other processes. */
  recorded(collection: string): void {
    this.#fanout.publish(changesChannel(collection), NOTICE);
  }

  /** Stops listening everywhere. */
  close(): void {
    for (const stop of this.#listening.values()) stop();
    this.#listening.clear();
  }
}
