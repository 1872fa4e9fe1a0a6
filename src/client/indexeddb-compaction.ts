/**
 * Compaction of the IndexedDB offline store (indexeddb-store.ts): counts the
 * records and updates stored per document and, once a document has
 * `compactAt` records (or many more updates than that in fewer records),
 * replaces them with their merge when the page is next idle.
 */
import * as Y from 'yjs';
import { updatesOf, type UpdateRecord } from './indexeddb-reads.ts';
import type { IndexedDbWrites } from './indexeddb-writes.ts';
import { scheduleIdle } from './schedule-batch.ts';

/** A document is compacted once it has `compactAt` records, or this many times `compactAt` updates. */
const UPDATES_PER_RECORD = 8;

/** What the compaction needs from its store. */
export interface IndexedDbCompactionHost {
  /** True once the store is closed (nothing is compacted after that). */
  closed(): boolean;
  /** Stops adding to the record of `doc` of the batch not yet committed (later appends go after the merge). */
  dropAppends(doc: string): void;
}

/**
 * Decides when documents are compacted and writes their merge in the
 * store's write batch.
 *
 * @example
 * const compaction = new IndexedDbCompaction(writes, 64, { closed: () => false, dropAppends: () => undefined });
 * compaction.count('todos/1', 1); // after storing a new record of it
 */
export class IndexedDbCompaction {
  readonly #writes: IndexedDbWrites;
  readonly #compactAt: number;
  readonly #host: IndexedDbCompactionHost;
  /** Records and updates stored per document, as far as this client knows. */
  readonly #counts = new Map<string, { records: number; updates: number }>();
  /** Documents to compact when the page is next idle. */
  readonly #toCompact = new Set<string>();

  constructor(writes: IndexedDbWrites, compactAt: number, host: IndexedDbCompactionHost) {
    this.#writes = writes;
    this.#compactAt = compactAt;
    this.#host = host;
  }

  /** Records what a load found stored for `doc` (compacting it when due). */
  loaded(doc: string, records: number, updates: number): void {
    this.#counts.set(doc, { records, updates });
    this.#compactIfDue(doc);
  }

  /** Counts an update (and `records` new records) stored for `doc`. */
  count(doc: string, records: number): void {
    const count = this.#counts.get(doc);
    if (count) {
      count.records += records;
      count.updates += 1;
    } else {
      this.#counts.set(doc, { records, updates: 1 });
    }
    this.#compactIfDue(doc);
  }

  /** Forgets the counts of `doc` (its stored updates are being deleted). */
  forget(doc: string): void {
    this.#counts.delete(doc);
  }

  /**
   * Compacts `doc` when idle once it has `compactAt` records, or many more
   * updates than that in fewer records (a batch's updates are one record):
   * each compaction merges the whole document, so not every `compactAt` updates.
   */
  #compactIfDue(doc: string): void {
    const count = this.#counts.get(doc);
    if (count && (count.records >= this.#compactAt || count.updates >= UPDATES_PER_RECORD * this.#compactAt)) this.#compactSoon(doc);
  }

  /** Compacts `doc` when the page is idle (merging is the costly part: not while the user edits). */
  #compactSoon(doc: string): void {
    if (this.#toCompact.has(doc)) return;
    this.#toCompact.add(doc);
    if (this.#toCompact.size > 1) return;
    scheduleIdle(() => {
      if (this.#host.closed()) return;
      const docs = [...this.#toCompact];
      this.#toCompact.clear();
      for (const name of docs) this.#compact(name);
      this.#writes.commitNow();
    });
  }

  /** Replaces a document's stored updates with their merge (in the batch's write transaction). */
  #compact(doc: string): void {
    this.#counts.set(doc, { records: 1, updates: 1 });
    this.#host.dropAppends(doc); // later appends go after it
    this.#writes.write((tx) => {
      const store = tx.objectStore('updates');
      const index = store.index('doc');
      const keys = index.getAllKeys(doc);
      const values = index.getAll(doc);
      values.onsuccess = () => {
        const updates = updatesOf(values.result as UpdateRecord[]);
        if (updates.length < 2) return;
        for (const key of keys.result) store.delete(key);
        store.add({ doc, update: Y.mergeUpdates(updates) } satisfies UpdateRecord);
      };
    }, true);
  }
}
