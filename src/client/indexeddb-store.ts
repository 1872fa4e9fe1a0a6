/**
 * `indexedDbStore()`: the offline store in one IndexedDB database.
 *
 * y-indexeddb opens one database per document; opening 1,000 of them on a
 * cold start is what this store avoids (README, "Offline"). One database
 * holds three object stores: `updates` (every stored Yjs update, with an
 * index on the document), `pending` (unacknowledged local updates, keyed by
 * owner, document and sequence number) and `queries` (last server results).
 * Writes are batched: those of one animation frame commit in one transaction,
 * and a flush (which the client runs on `pagehide`) commits them at once
 * (indexeddb-writes.ts); a batch's updates of a document are one record. A
 * document with many stored updates is compacted into one (merged) when the
 * page is idle.
 */
import * as Y from 'yjs';
import { IndexedDbCompaction } from './indexeddb-compaction.ts';
import { done, IndexedDbWrites, request } from './indexeddb-writes.ts';
import type { OfflineStore, StoredPending, StoredQuery } from './offline-store.ts';
import { readEach, readRange, updatesOf, type UpdateRecord } from './indexeddb-reads.ts';
import { PendingGroups, pendingOf, type PendingGroup, type PendingRecord } from './pending-groups.ts';
import { holdOwnerLock, liveOwners, randomOwner } from './owner-lock.ts';

/** Options of `indexedDbStore`. */
export interface IndexedDbStoreOptions {
  /** The database name (one per server and app; default `yracer`). */
  readonly name?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`; tests pass fake-indexeddb's). */
  readonly indexedDB?: IDBFactory;
  /** Compact a document (when idle) once it has this many stored records, or 8 times as many updates (default 64; the updates of one batch are one record). */
  readonly compactAt?: number;
  /** The `IDBKeyRange` class (default `globalThis.IDBKeyRange`; tests pass fake-indexeddb's). */
  readonly IDBKeyRange?: typeof IDBKeyRange;
}

interface QueryRecord extends StoredQuery {
  readonly key: string;
}

const VERSION = 1;

/** The object stores every write transaction covers. */
const STORES = ['updates', 'pending', 'queries'] as const;

function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  const req = factory.open(name, VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    const updates = db.createObjectStore('updates', { autoIncrement: true });
    updates.createIndex('doc', 'doc');
    db.createObjectStore('pending', { keyPath: ['owner', 'doc', 'seq'] });
    db.createObjectStore('queries', { keyPath: 'key' });
  };
  return request(req);
}

/** From this many documents on, `loadDocs` reads the index range they span in one request, not one request each. */
const RANGE_READ_AT = 32;

/**
 * Opens the offline store in IndexedDB.
 *
 * @example
 * const model = createModel({ url, offline: indexedDbStore({ name: 'my-app' }) });
 */
export function indexedDbStore(options: IndexedDbStoreOptions = {}): OfflineStore {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new TypeError('yracer indexedDbStore(): no IndexedDB here; pass one as `indexedDB` (fake-indexeddb in Node)');
  const keyRange = options.IDBKeyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange ?? null;
  return new IndexedDbStore(factory, keyRange, options.name ?? 'yracer', options.compactAt ?? 64);
}

class IndexedDbStore implements OfflineStore {
  readonly owner = randomOwner();
  readonly name: string;
  readonly #db: Promise<IDBDatabase>;
  readonly #writes = new IndexedDbWrites(STORES);
  readonly #compaction: IndexedDbCompaction;
  readonly #releaseLock: () => void;
  /** True once `adoptPending` ran. */
  #adopted = false;
  /** True once `close` was called. */
  #closed = false;
  /** This owner's pending updates in the store, grouped per batch and document. */
  readonly #pending = new PendingGroups();
  /** Per document, the updates appended in the batch not yet committed (stored as one record). */
  readonly #appends = new Map<string, Uint8Array[]>();

  readonly #keyRange: typeof IDBKeyRange | null;

  constructor(factory: IDBFactory, keyRange: typeof IDBKeyRange | null, name: string, compactAt: number) {
    this.#keyRange = keyRange;
    this.name = name;
    this.#db = openDatabase(factory, name);
    this.#db.then(
      (db) => this.#writes.opened(db),
      () => undefined, // reported by the calls that use it
    );
    this.#compaction = new IndexedDbCompaction(this.#writes, compactAt, {
      closed: () => this.#closed,
      dropAppends: (doc) => void this.#appends.delete(doc),
    });
    this.#releaseLock = holdOwnerLock(this.owner);
  }

  async loadDocs(names: readonly string[]): Promise<Map<string, Uint8Array>> {
    const db = await this.#db;
    this.#writes.commitNow(); // writes made before this read first: transactions run in order
    const index = db.transaction('updates', 'readonly').objectStore('updates').index('doc');
    const keyRange = this.#keyRange;
    const byDoc = await (keyRange && names.length >= RANGE_READ_AT ? readRange(index, keyRange, names) : readEach(index, names));
    const docs = new Map<string, Uint8Array>();
    names.forEach((name) => {
      const records = byDoc.get(name) ?? [];
      const updates = updatesOf(records);
      if (updates.length === 0) return;
      docs.set(name, updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates));
      this.#compaction.loaded(name, records.length, updates.length);
    });
    return docs;
  }

  append(doc: string, update: Uint8Array): void {
    const group = this.#appends.get(doc);
    this.#compaction.count(doc, group ? 0 : 1);
    if (group) {
      group.push(update);
      return;
    }
    // The batch's updates of a document are stored as one record (merging them costs more than the records it saves).
    const updates = [update];
    this.#appends.set(doc, updates);
    this.#writes.write((tx) => {
      if (this.#appends.get(doc) === updates) this.#appends.delete(doc);
      const record: UpdateRecord = updates.length === 1 ? { doc, update: updates[0] as Uint8Array } : { doc, updates };
      tx.objectStore('updates').add(record);
    });
  }

  forget(doc: string): void {
    this.#compaction.forget(doc);
    this.#appends.delete(doc); // later appends go after the deletion
    this.#writes.write((tx) => {
      const store = tx.objectStore('updates');
      const keys = store.index('doc').getAllKeys(doc);
      keys.onsuccess = () => {
        for (const key of keys.result) store.delete(key);
      };
    }, true);
  }

  addPending(doc: string, seq: number, update: Uint8Array): void {
    // A batch's pending updates of a document are one record (pending-groups.ts).
    const group = this.#pending.add(doc, seq, update);
    if (group) this.#writePendingGroup(group);
  }

  #writePendingGroup(group: PendingGroup): void {
    this.#writes.write((tx) => {
      const record = this.#pending.record(this.owner, group);
      if (record) tx.objectStore('pending').put(record);
    });
  }

  removePending(doc: string, seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    const owner = this.owner;
    const { deleted, run, rewrite } = this.#pending.remove(doc, seqs);
    for (const group of rewrite) this.#writePendingGroup(group);
    if (deleted.length === 0) return;
    // Acknowledged and merged updates leave as a run (every record stored between the first and the last): one range request.
    const keyRange = this.#keyRange;
    if (run && keyRange && deleted.length > 1) {
      const range = keyRange.bound([owner, doc, run.first], [owner, doc, run.last]);
      this.#writes.write((tx) => void tx.objectStore('pending').delete(range));
      return;
    }
    this.#writes.write((tx) => {
      const store = tx.objectStore('pending');
      for (const key of deleted) store.delete([owner, doc, key]);
    });
  }

  async adoptPending(resend?: (taken: readonly StoredPending[]) => void): Promise<StoredPending[]> {
    const alive = await liveOwners();
    // Without Web Locks a live owner cannot be told from a gone one: take over only when this store opens.
    if (!alive && this.#adopted) return [];
    this.#adopted = true;
    const db = await this.#db;
    this.#writes.commitNow();
    const tx = db.transaction([...STORES], 'readwrite');
    const committed = done(tx);
    const store = tx.objectStore('pending');
    const all = store.getAll();
    let adopted: StoredPending[] = [];
    all.onsuccess = () => {
      // Closed meanwhile: they stay for the next page load.
      if (this.#closed) return void tx.abort();
      const records = (all.result as PendingRecord[]).filter((r) => r.owner !== this.owner && !(alive?.has(r.owner) ?? false));
      for (const r of records) store.delete([r.owner, r.doc, r.seq]);
      adopted = records.flatMap(pendingOf);
      if (!resend || adopted.length === 0) return;
      // What `resend` stores (`addPending`) commits in this transaction: taken over and stored again at once, or not at all.
      const taken = adopted;
      this.#writes.within(tx, () => {
        try {
          resend(taken);
        } catch (error) {
          console.error('yracer: sending the pending writes of an earlier page load threw', error);
        }
      });
    };
    try {
      await committed;
    } catch (error) {
      if (this.#closed) return [];
      throw error;
    }
    return adopted;
  }

  async loadQuery(key: string): Promise<StoredQuery | null> {
    const db = await this.#db;
    this.#writes.commitNow();
    const record = (await request(db.transaction('queries', 'readonly').objectStore('queries').get(key))) as QueryRecord | undefined;
    return record ? { ids: record.ids, count: record.count } : null;
  }

  saveQuery(key: string, result: StoredQuery): void {
    const record: QueryRecord = { key, ids: [...result.ids], count: result.count };
    this.#writes.write((tx) => void tx.objectStore('queries').put(record));
  }

  flush(): Promise<void> {
    return this.#writes.flush(this.#db);
  }

  async close(): Promise<void> {
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      this.#releaseLock();
      (await this.#db.catch(() => null))?.close();
    }
  }
}
