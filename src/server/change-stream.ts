/**
 * `ChangeStream`: one consumer's iterator over a collection's change feed
 * (`server.changes()`). It reads the stored changes after its position a
 * page at a time, only while the consumer waits for one (so a slow consumer
 * holds at most a page), then waits to be woken (a change recorded here, a
 * poll for other processes' changes) and reads again. A wake that comes
 * during a read makes another read after it, and every read starts after
 * the last seq yielded, so no change is missed or yielded twice. `return()`
 * (a `break` out of `for await`) ends it at once and frees its listeners;
 * so does the server closing. A failed read rejects the waiting `next()`
 * and ends the stream.
 */
import type { StoredChange } from '../storage/change-log.ts';

/** One item of the change feed. */
export interface FeedChange {
  /** Its position in the collection's sequence: pass the last one seen as `since` to resume after it. */
  readonly seq: number;
  readonly collection: string;
  readonly id: string;
  /** The document's version after the change. */
  readonly version: number;
  /** When the change was recorded, in ms since the epoch. */
  readonly time: number;
  /** The document's JSON value after the change (undefined when deleted). */
  readonly value: unknown;
  /** True when the change deleted the document. */
  readonly deleted?: true;
}

/** What a stream needs from its feed. */
export interface ChangeStreamHost {
  read(collection: string, since: number, limit: number): Promise<StoredChange[]>;
  /** The stream ended: stop waking it. */
  detach(stream: ChangeStream): void;
}

/** Changes read at once. */
const PAGE = 100;

/** The item of a stored change. */
function feedChange(row: StoredChange): FeedChange {
  const base = { seq: row.seq, collection: row.collection, id: row.id, version: row.version, time: row.time };
  return row.json === null ? { ...base, value: undefined, deleted: true } : { ...base, value: JSON.parse(row.json) as unknown };
}

interface Waiter {
  readonly resolve: (result: IteratorResult<FeedChange, undefined>) => void;
  readonly reject: (error: unknown) => void;
}

/** An async iterator over a collection's changes after a position (see the module comment). */
export class ChangeStream implements AsyncIterableIterator<FeedChange, undefined> {
  readonly collection: string;
  readonly #host: ChangeStreamHost;
  #position: number;
  readonly #buffer: FeedChange[] = [];
  #waiters: Waiter[] = [];
  #reading = false;
  #again = false;
  #done = false;

  constructor(collection: string, since: number, host: ChangeStreamHost) {
    this.collection = collection;
    this.#position = since;
    this.#host = host;
  }

  /** The stream itself (for `for await`). */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next change: at once when one is read, else once one is stored; `done` once the stream ended. */
  next(): Promise<IteratorResult<FeedChange, undefined>> {
    const item = this.#buffer.shift();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#read();
    });
  }

  /** Ends the stream (what `break` in `for await` calls): pending `next()` calls resolve as done. */
  return(): Promise<IteratorResult<FeedChange, undefined>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Something may have been stored: read again if the consumer waits. */
  wake(): void {
    if (this.#reading) this.#again = true;
    else if (this.#waiters.length > 0) this.#read();
  }

  /** Ends the stream, optionally failing the pending `next()` calls with `error`. */
  end(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#buffer.length = 0;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve({ value: undefined, done: true });
      else waiter.reject(error);
    }
    this.#host.detach(this);
  }

  #read(): void {
    if (this.#reading || this.#done) return;
    this.#reading = true;
    this.#again = false;
    this.#host.read(this.collection, this.#position, PAGE).then(
      (rows) => {
        this.#reading = false;
        if (this.#done) return;
        for (const row of rows) {
          if (row.seq <= this.#position) continue;
          let change: FeedChange;
          try {
            change = feedChange(row);
          } catch (error) {
            this.end(new Error(`yracer server.changes(): the change at seq ${row.seq} of ${this.collection} cannot be read (${String(error)})`));
            return;
          }
          this.#position = row.seq;
          this.#buffer.push(change);
        }
        while (this.#waiters.length > 0 && this.#buffer.length > 0) {
          (this.#waiters.shift() as Waiter).resolve({ value: this.#buffer.shift() as FeedChange, done: false });
        }
        if (this.#waiters.length > 0 && (rows.length === PAGE || this.#again)) this.#read();
      },
      (error: unknown) => {
        this.#reading = false;
        this.end(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }
}
