/**
 * `indexedDbStore()`: the offline store in one IndexedDB database.
 *
 * y-indexeddb opens one database per document; opening 1,000 of them on a
 * cold start is what this store avoids (README, "Offline"). One database
 * holds three object stores: `updates` (every stored Yjs update, with an
 * index on the document), `pending` (unacknowledged local updates, keyed by
 * owner, document and sequence number) and `queries` (last server results).
 * Writes queued in one turn of the event loop commit in one transaction; a
 * document with many stored updates is compacted into one.
 */
import * as Y from 'yjs';
import type { OfflineStore, StoredPending, StoredQuery } from './offline-store.ts';

/** Options of `indexedDbStore`. */
export interface IndexedDbStoreOptions {
  /** The database name (one per server and app; default `yracer`). */
  readonly name?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`; tests pass fake-indexeddb's). */
  readonly indexedDB?: IDBFactory;
  /** Compact a document once it has this many stored updates (default 64). */
  readonly compactAt?: number;
  /** The `IDBKeyRange` class (default `globalThis.IDBKeyRange`; tests pass fake-indexeddb's). */
  readonly IDBKeyRange?: typeof IDBKeyRange;
}

interface UpdateRecord {
  readonly doc: string;
  readonly update: Uint8Array;
}

interface QueryRecord extends StoredQuery {
  readonly key: string;
}

type Write = (tx: IDBTransaction) => void;

const VERSION = 1;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('yracer: an IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('yracer: an IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('yracer: an IndexedDB transaction was aborted'));
  });
}

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

/** Each document's records, one `getAll` per document. */
async function readEach(index: IDBIndex, names: readonly string[]): Promise<Map<string, UpdateRecord[]>> {
  const found = await Promise.all(names.map((name) => request(index.getAll(name)) as Promise<UpdateRecord[]>));
  return new Map(names.map((name, i) => [name, found[i] ?? []]));
}

/** Each document's records, from one `getAll` over the index range from the first name to the last. */
async function readRange(index: IDBIndex, keyRange: typeof IDBKeyRange, names: readonly string[]): Promise<Map<string, UpdateRecord[]>> {
  // IndexedDB orders strings by UTF-16 code units, as `<` does.
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const range = keyRange.bound(sorted[0] as string, sorted[sorted.length - 1] as string);
  const wanted = new Set(names);
  const byDoc = new Map<string, UpdateRecord[]>();
  for (const record of (await request(index.getAll(range))) as UpdateRecord[]) {
    if (!wanted.has(record.doc)) continue;
    const list = byDoc.get(record.doc);
    if (list) list.push(record);
    else byDoc.set(record.doc, [record]);
  }
  return byDoc;
}

function randomOwner(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The owners whose clients are alive, where the environment can tell (Web Locks); null when it cannot. */
async function liveOwners(): Promise<Set<string> | null> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return null;
  const snapshot = await locks.query();
  const names = [...(snapshot.held ?? []), ...(snapshot.pending ?? [])].map((lock) => lock.name ?? '');
  return new Set(names.filter((name) => name.startsWith(LOCK_PREFIX)).map((name) => name.slice(LOCK_PREFIX.length)));
}

const LOCK_PREFIX = 'yracer-owner:';

/** Holds a Web Lock named after the owner for as long as the store is open (so other tabs see it is alive). */
function holdOwnerLock(owner: string): () => void {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return () => undefined;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  void locks.request(LOCK_PREFIX + owner, () => held).catch(() => undefined);
  return release;
}

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
  readonly #compactAt: number;
  readonly #releaseLock: () => void;
  #queue: Write[] = [];
  #scheduled = false;
  /** True while a background commit runs. */
  #committing = false;
  #lastCommit: Promise<void> = Promise.resolve();
  /** True once `adoptPending` ran. */
  #adopted = false;
  /** Updates stored per document, as far as this client knows (for compaction). */
  readonly #counts = new Map<string, number>();

  readonly #keyRange: typeof IDBKeyRange | null;

  constructor(factory: IDBFactory, keyRange: typeof IDBKeyRange | null, name: string, compactAt: number) {
    this.#keyRange = keyRange;
    this.name = name;
    this.#db = openDatabase(factory, name);
    this.#db.catch(() => undefined); // reported by the calls that use it
    this.#compactAt = compactAt;
    this.#releaseLock = holdOwnerLock(this.owner);
  }

  /**
   * Queues a write. Writes commit in the background, one transaction at a
   * time: what is queued while one commits goes into the next, so a burst of
   * writes (one per task, as typing makes them) costs a few transactions,
   * not one each, and an idle store starts committing at once.
   */
  #enqueue(write: Write): void {
    this.#queue.push(write);
    if (this.#scheduled || this.#committing) return;
    this.#scheduled = true;
    queueMicrotask(() => void this.#background());
  }

  async #background(): Promise<void> {
    this.#committing = true;
    try {
      await this.#commit();
    } catch (error) {
      console.error('yracer: storing offline data failed', error);
    } finally {
      this.#committing = false;
      if (this.#queue.length > 0 && !this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => void this.#background());
      }
    }
  }

  /** Starts a transaction with everything queued (in queue order); resolves when it committed. */
  #commit(): Promise<void> {
    this.#scheduled = false;
    const writes = this.#queue;
    this.#queue = [];
    if (writes.length === 0) return this.#lastCommit;
    const committed = this.#db.then((db) => {
      const tx = db.transaction(['updates', 'pending', 'queries'], 'readwrite');
      for (const write of writes) write(tx);
      return done(tx);
    });
    this.#lastCommit = committed.catch(() => undefined);
    return committed;
  }

  async loadDocs(names: readonly string[]): Promise<Map<string, Uint8Array>> {
    void this.#commit().catch(() => undefined); // queued writes first: transactions run in order
    const db = await this.#db;
    const index = db.transaction('updates', 'readonly').objectStore('updates').index('doc');
    const keyRange = this.#keyRange;
    const byDoc = await (keyRange && names.length >= RANGE_READ_AT ? readRange(index, keyRange, names) : readEach(index, names));
    const docs = new Map<string, Uint8Array>();
    names.forEach((name) => {
      const records = byDoc.get(name) ?? [];
      if (records.length === 0) return;
      this.#counts.set(name, records.length);
      docs.set(name, records.length === 1 ? (records[0] as UpdateRecord).update : Y.mergeUpdates(records.map((r) => r.update)));
      if (records.length >= this.#compactAt) this.#compact(name);
    });
    return docs;
  }

  append(doc: string, update: Uint8Array): void {
    this.#enqueue((tx) => void tx.objectStore('updates').add({ doc, update } satisfies UpdateRecord));
    const count = (this.#counts.get(doc) ?? 0) + 1;
    this.#counts.set(doc, count);
    if (count >= this.#compactAt) this.#compact(doc);
  }

  /** Replaces a document's stored updates with their merge (inside the next write transaction). */
  #compact(doc: string): void {
    this.#counts.set(doc, 1);
    this.#enqueue((tx) => {
      const store = tx.objectStore('updates');
      const index = store.index('doc');
      const keys = index.getAllKeys(doc);
      const values = index.getAll(doc);
      values.onsuccess = () => {
        const records = values.result as UpdateRecord[];
        if (records.length < 2) return;
        for (const key of keys.result) store.delete(key);
        store.add({ doc, update: Y.mergeUpdates(records.map((r) => r.update)) } satisfies UpdateRecord);
      };
    });
  }

  forget(doc: string): void {
    this.#counts.delete(doc);
    this.#enqueue((tx) => {
      const store = tx.objectStore('updates');
      const keys = store.index('doc').getAllKeys(doc);
      keys.onsuccess = () => {
        for (const key of keys.result) store.delete(key);
      };
    });
  }

  addPending(doc: string, seq: number, update: Uint8Array): void {
    const record: StoredPending = { owner: this.owner, doc, seq, update };
    this.#enqueue((tx) => void tx.objectStore('pending').put(record));
  }

  removePending(doc: string, seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    const keys = seqs.map((seq) => [this.owner, doc, seq]);
    this.#enqueue((tx) => {
      const store = tx.objectStore('pending');
      for (const key of keys) store.delete(key);
    });
  }

  async adoptPending(): Promise<StoredPending[]> {
    const alive = await liveOwners();
    // Without Web Locks a live owner cannot be told from a gone one: take over only when this store opens.
    if (!alive && this.#adopted) return [];
    this.#adopted = true;
    await this.#commit().catch(() => undefined);
    const db = await this.#db;
    const tx = db.transaction('pending', 'readwrite');
    const store = tx.objectStore('pending');
    const records = (await request(store.getAll())) as StoredPending[];
    const adopted = records.filter((r) => r.owner !== this.owner && !(alive?.has(r.owner) ?? false));
    for (const r of adopted) store.delete([r.owner, r.doc, r.seq]);
    await done(tx);
    return adopted;
  }

  async loadQuery(key: string): Promise<StoredQuery | null> {
    void this.#commit().catch(() => undefined);
    const db = await this.#db;
    const record = (await request(db.transaction('queries', 'readonly').objectStore('queries').get(key))) as QueryRecord | undefined;
    return record ? { ids: record.ids, count: record.count } : null;
  }

  saveQuery(key: string, result: StoredQuery): void {
    const record: QueryRecord = { key, ids: [...result.ids], count: result.count };
    this.#enqueue((tx) => void tx.objectStore('queries').put(record));
  }

  async flush(): Promise<void> {
    await this.#commit();
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.#releaseLock();
      (await this.#db.catch(() => null))?.close();
    }
  }
}
