/**
 * The write path of `indexedDbStore()`: each write starts in its own turn,
 * in the transaction that turn's writes already use or in a new one, and the
 * transaction is committed at the end of the turn. So a page closed or
 * reloaded right after an edit it showed still commits the edit: nothing
 * waits for a microtask, a timer or an earlier transaction before the
 * transaction starts. (IndexedDB commits read-write transactions over the
 * same stores in the order they were created, so starting one while another
 * commits keeps the order of writes.)
 */

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

/** True for the error of a request on a transaction that takes no more requests (its turn ended, or it commits). */
function isFinished(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TransactionInactiveError' || name === 'InvalidStateError';
}

function report(error: unknown): void {
  console.error('yracer: storing offline data failed', error);
}

/** The writes of one IndexedDB store (see the module comment). */
export class IndexedDbWrites {
  readonly #stores: readonly string[];
  /** The open database, once it opened. */
  #db: IDBDatabase | null = null;
  /** Writes made before the database opened, in order: they start as it opens. */
  #waiting: Array<{ readonly write: Write; readonly chained: boolean }> = [];
  /** The transaction this turn's writes go into, while it takes requests. */
  #tx: IDBTransaction | null = null;
  /** Transactions whose writes issue more requests from callbacks: committed by IndexedDB itself, not explicitly. */
  readonly #chained = new WeakSet<IDBTransaction>();
  /** Transactions started and not yet settled (each rejects when it failed). */
  readonly #inFlight = new Set<Promise<void>>();

  /** `stores`: the object stores every write transaction covers. */
  constructor(stores: readonly string[]) {
    this.#stores = stores;
  }

  /** The database opened: the writes made meanwhile start now. */
  opened(db: IDBDatabase): void {
    this.#db = db;
    this.startWaiting();
  }

  /** Starts the writes made before the database opened (nothing once it did). */
  startWaiting(): void {
    const db = this.#db;
    if (!db || this.#waiting.length === 0) return;
    const writes = this.#waiting;
    this.#waiting = [];
    for (const { write, chained } of writes) this.#run(db, write, chained);
  }

  /**
   * Writes now (or as the database opens). `chained`: the write issues more
   * requests from its requests' callbacks, so its transaction is left to
   * commit by itself.
   */
  write(write: Write, chained = false): void {
    if (!this.#db || this.#waiting.length > 0) {
      this.#waiting.push({ write, chained });
      return;
    }
    this.#run(this.#db, write, chained);
  }

  /**
   * Runs `fn` with the writes it makes going into `tx`, a read-write
   * transaction of the caller's over the same stores that is active now:
   * they commit together with what the caller does in it.
   */
  within(tx: IDBTransaction, fn: () => void): void {
    this.startWaiting();
    const before = this.#tx;
    this.#tx = tx;
    this.#chained.add(tx);
    this.#track(tx);
    try {
      fn();
    } finally {
      if (this.#tx === tx) this.#tx = before;
    }
  }

  #run(db: IDBDatabase, write: Write, chained: boolean): void {
    try {
      const current = this.#tx;
      if (current) {
        try {
          write(current);
          if (chained) this.#chained.add(current);
          return;
        } catch (error) {
          if (!isFinished(error)) throw error;
        }
      }
      const tx = db.transaction([...this.#stores], 'readwrite');
      this.#tx = tx;
      this.#track(tx);
      write(tx);
      if (chained) this.#chained.add(tx);
      // The end of this turn: later writes go into a new transaction, and this one commits without waiting for its results.
      queueMicrotask(() => this.#commit(tx));
    } catch (error) {
      report(error);
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

  /** Stops putting writes into `tx` and commits it now when none of its writes chains requests. */
  #commit(tx: IDBTransaction): void {
    if (this.#tx === tx) this.#tx = null;
    if (this.#chained.has(tx) || typeof tx.commit !== 'function') return;
    try {
      tx.commit();
    } catch {
      // Already inactive or committing: it commits by itself.
    }
  }

  /** Commits what was written in this turn now (for `pagehide`), and starts the writes waiting for the database. */
  commitNow(): void {
    this.startWaiting();
    const tx = this.#tx;
    if (tx) this.#commit(tx);
  }

  /** Resolves once every write made so far is committed; rejects when one of them failed. */
  async flush(opening: Promise<IDBDatabase>): Promise<void> {
    this.commitNow();
    await opening;
    this.startWaiting();
    await Promise.all([...this.#inFlight]);
  }
}
