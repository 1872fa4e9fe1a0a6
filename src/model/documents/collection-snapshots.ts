/**
 * `CollectionSnapshots`: the immutable snapshots of whole collections and
 * of the root (`get('todos')`, `get()`), built from the documents' values
 * on first read and cached until a document of the collection changes; and
 * each collection's version, a cheap cache key for values read from it.
 * Nothing is cached while a document of the collection is in a transaction
 * (its value is not settled yet).
 */
import type { DocEntry } from './doc-entry.ts';
import { nonEmpty } from '../paths/plain-read.ts';

type Snapshot = Readonly<Record<string, unknown>>;

/** Collection and root snapshots of one model store (see the file's comment). */
export class CollectionSnapshots {
  readonly #collections: ReadonlyMap<string, ReadonlyMap<string, DocEntry>>;
  readonly #docValue: (entry: DocEntry) => unknown;
  readonly #freeze: boolean;
  readonly #snapshots = new Map<string, Snapshot>();
  /** Per collection, bumped whenever one of its documents may change. */
  readonly #versions = new Map<string, number>();
  #root: Snapshot | null = null;
  /** Documents with a transaction open or queued. */
  readonly #busy = new Set<DocEntry>();

  /** `collections` is the store's own map (read live); `docValue` gives a document's snapshot. */
  constructor(collections: ReadonlyMap<string, ReadonlyMap<string, DocEntry>>, docValue: (entry: DocEntry) => unknown, freeze: boolean) {
    this.#collections = collections;
    this.#docValue = docValue;
    this.#freeze = freeze;
  }

  /** Marks a document as in a transaction (`true`) or settled again (`false`). */
  busy(entry: DocEntry, inTransaction: boolean): void {
    if (inTransaction) this.#busy.add(entry);
    else this.#busy.delete(entry);
  }

  /** A document of `collection` may have changed: its snapshot and the root's are dropped, its version bumped. */
  drop(collection: string): void {
    this.#versions.set(collection, (this.#versions.get(collection) ?? 0) + 1);
    this.#snapshots.delete(collection);
    this.#root = null;
  }

  /** Forgets every snapshot (the store closed). */
  clear(): void {
    this.#snapshots.clear();
    this.#root = null;
  }

  /** The collection's version, or null while one of its documents is in a transaction. */
  version(collection: string): number | null {
    return this.#isBusy(collection) ? null : (this.#versions.get(collection) ?? 0);
  }

  /** The snapshot of a collection: its existing documents by id (undefined when the store holds none of it). */
  collection(collection: string): Snapshot | undefined {
    const cached = this.#snapshots.get(collection);
    if (cached) return cached;
    const docs = this.#collections.get(collection);
    if (!docs) return undefined;
    const out: Record<string, unknown> = {};
    for (const [id, entry] of docs) {
      const value = this.#docValue(entry);
      if (value !== undefined) out[id] = value;
    }
    const snapshot = this.#freeze ? Object.freeze(out) : out;
    if (!this.#isBusy(collection)) this.#snapshots.set(collection, snapshot);
    return snapshot;
  }

  /** The snapshot of the root: every collection with an existing document. */
  root(): Snapshot {
    if (this.#root) return this.#root;
    const out: Record<string, unknown> = {};
    for (const name of this.#collections.keys()) {
      const snapshot = this.collection(name);
      if (snapshot && nonEmpty(snapshot) !== undefined) out[name] = snapshot;
    }
    const root = this.#freeze ? Object.freeze(out) : out;
    if (this.#busy.size === 0) this.#root = root;
    return root;
  }

  #isBusy(collection: string): boolean {
    for (const entry of this.#busy) if (entry.collection === collection) return true;
    return false;
  }
}
