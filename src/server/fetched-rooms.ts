/**
 * The documents a connection had the server load without subscribing to
 * them (fetched, read by state vector, or written), for as long as the
 * server keeps them loaded on its account (`unloadDelayMs` after the last
 * use). They count, with its subscriptions, against the documents one
 * connection may hold (`maxSubscriptions`): otherwise fetching one document
 * after another would load rooms without bound.
 */

/** Documents used lately by one connection, oldest first. */
export class FetchedRooms {
  readonly #windowMs: number;
  /** Document name to when it was last used (ms), in order of use. */
  readonly #used = new Map<string, number>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** The connection used `doc` now. */
  touch(doc: string, now = Date.now()): void {
    this.#used.delete(doc);
    this.#used.set(doc, now);
  }

  /** The connection subscribed to `doc`: it counts as a subscription from now on. */
  forget(doc: string): void {
    this.#used.delete(doc);
  }

  /** True when `doc` was used within the window. */
  has(doc: string, now = Date.now()): boolean {
    const at = this.#used.get(doc);
    return at !== undefined && now - at < this.#windowMs;
  }

  /** How many documents were used within the window (older ones are dropped). */
  count(now = Date.now()): number {
    for (const [doc, at] of this.#used) {
      if (now - at < this.#windowMs) break;
      this.#used.delete(doc);
    }
    return this.#used.size;
  }
}
