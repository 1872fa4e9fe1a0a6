/**
 * The writes of an in-process model, one queue per document: each write
 * runs after the document's earlier ones (so a room stores them in order),
 * and each keeps its own outcome for its callback and `whenNothingPending()`.
 */

/** Per-document queues of writes in flight. */
export class WriteQueue {
  /** Per document, the promise that its newest write has settled. */
  readonly #tails = new Map<string, Promise<void>>();
  /** Per settled-write promise (what `#tails` holds), the write's own outcome. */
  readonly #outcomes = new WeakMap<Promise<void>, Promise<void>>();
  readonly #onChange: () => void;
  /** When the queues were last all empty after a write settled (ms since the epoch), or null. */
  lastSyncedAt: number | null = null;

  /** `onChange` hears when a document gets its first queued write and when its queue empties. */
  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  /** Runs `write` after the document's earlier writes; returns its outcome. */
  enqueue(name: string, write: () => Promise<void>): Promise<void> {
    const first = !this.#tails.has(name);
    const done = (this.#tails.get(name) ?? Promise.resolve()).then(write);
    const settled = done
      .catch(() => undefined)
      .then(() => {
        if (this.#tails.get(name) !== settled) return;
        this.#tails.delete(name);
        if (this.#tails.size === 0) this.lastSyncedAt = Date.now();
        this.#onChange();
      });
    this.#tails.set(name, settled);
    this.#outcomes.set(settled, done);
    if (first) this.#onChange();
    return done;
  }

  /** The outcome of the document's newest queued write, or undefined when none is queued. */
  latest(name: string): Promise<void> | undefined {
    const tail = this.#tails.get(name);
    return tail ? this.#outcomes.get(tail) : undefined;
  }

  /** True when the document (or, without a name, any document) has a write in flight. */
  has(name?: string): boolean {
    return name === undefined ? this.#tails.size > 0 : this.#tails.has(name);
  }

  /** How many documents have a write in flight. */
  get size(): number {
    return this.#tails.size;
  }

  /** Resolves once no write is in flight; rejects with the first failed write's error. */
  async whenEmpty(): Promise<void> {
    while (this.#tails.size > 0) {
      await Promise.all([...this.#tails.values()].map((tail) => this.#outcomes.get(tail) ?? tail));
    }
  }
}
