/**
 * The write path of `indexedDbStore()`: writes are batched, so that many
 * edits share one read-write transaction instead of each paying for its own
 * (a transaction's commit costs far more than a request in it).
 *
 * A batch commits on the next animation frame while the page is visible
 * (what a frame showed is stored by the next one; a timer stands in when no
 * frame comes), at the end of the turn while it is hidden (no frames then:
 * nothing waits for one), after a timer where there are no frames (Node,
 * workers), and at once on `commitNow()`/`flush()`, which the offline cache
 * calls on `pagehide` and when the page turns hidden: a page reloaded or
 * closed right after an edit commits that edit as it goes away. Reads commit
 * the batch first, so they see every write made before them. (IndexedDB
 * commits read-write transactions over the same stores in the order they
 * were created, so batches keep the order of writes.)
 */

import { scheduleBatch } from './schedule-batch.ts';

/** One write: requests on a transaction of the store's object stores. */
export type Write = (tx: IDBTransaction) => void;

/** Resolves with a request's result. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('yracer: an IndexedDB request failed'));
  });
}

/** Resolves once a transaction committed; rejects when it failed or was aborted. */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.addEventListener('complete', () => resolve());
    tx.addEventListener('error', () => reject(tx.error ?? new Error('yracer: an IndexedDB transaction failed')));
    tx.addEventListener('abort', () => reject(tx.error ?? new Error('yracer: an IndexedDB transaction was aborted')));
  });
}

function report(error: unknown): void {
  console.error('yracer: storing offline data failed', error);
}

/** The writes of one IndexedDB store (see the module comment). */
export class IndexedDbWrites {
  readonly #stores: readonly string[];
  readonly #schedule: (run: () => void) => void;
  /** The open database, once it opened. */
  #db: IDBDatabase | null = null;
  /** Writes of the next batch, in order (also those made before the database opened). */
  #queued: Array<{ readonly write: Write; readonly chained: boolean }> = [];
  #scheduled = false;
  /** A caller's transaction that writes go into while `within` runs. */
  #within: IDBTransaction | null = null;
  /** Transactions started and not yet settled (each rejects when it failed). */
  readonly #inFlight = new Set<Promise<void>>();

  /** `stores`: the object stores every write transaction covers; `schedule`: when a batch commits (default `scheduleBatch`). */
  constructor(stores: readonly string[], schedule: (run: () => void) => void = scheduleBatch) {
    this.#stores = stores;
    this.#schedule = schedule;
  }

  /** The database opened: the writes made meanwhile start now. */
  opened(db: IDBDatabase): void {
    this.#db = db;
    this.commitNow();
  }

  /**
   * Adds a write to the next batch. `chained`: the write issues more
   * requests from its requests' callbacks, so its transaction is left to
   * commit by itself.
   */
  write(write: Write, chained = false): void {
    const within = this.#within;
    if (within) {
      try {
        write(within);
      } catch (error) {
        report(error);
      }
      return;
    }
    this.#queued.push({ write, chained });
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      this.commitNow();
    });
  }

  /**
   * Runs `fn` with the writes it makes going into `tx`, a read-write
   * transaction of the caller's over the same stores that is active now:
   * they commit together with what the caller does in it.
   */
  within(tx: IDBTransaction, fn: () => void): void {
    this.commitNow();
    const before = this.#within;
    this.#within = tx;
    this.#track(tx);
    try {
      fn();
    } finally {
      this.#within = before;
    }
  }

  /** Starts the batch now, in one transaction that commits at once (on `pagehide`, before reads and flushes); nothing before the database opened. */
  commitNow(): void {
    const db = this.#db;
    if (!db || this.#queued.length === 0) return;
    const writes = this.#queued;
    this.#queued = [];
    let tx: IDBTransaction;
    try {
      tx = db.transaction([...this.#stores], 'readwrite');
    } catch (error) {
      report(error);
      return;
    }
    this.#track(tx);
    let chained = false;
    for (const { write, chained: chains } of writes) {
      try {
        write(tx);
        chained ||= chains;
      } catch (error) {
        report(error);
      }
    }
    // Committed now, without waiting for the results, unless a write issues more requests from its callbacks.
    if (chained || typeof tx.commit !== 'function') return;
    try {
      tx.commit();
    } catch {
      // Already committing: it commits by itself.
    }
  }

  #track(tx: IDBTransaction): void {
    const committed = done(tx);
    this.#inFlight.add(committed);
    committed.then(
      () => this.#inFlight.delete(committed),
      (error: unknown) => {
        this.#inFlight.delete(committed);
        report(error);
      },
    );
  }

  /** Resolves once every write made so far is committed; rejects when one of them failed. */
  async flush(opening: Promise<IDBDatabase>): Promise<void> {
    this.commitNow();
    await opening;
    this.commitNow();
    await Promise.all([...this.#inFlight]);
  }
}
