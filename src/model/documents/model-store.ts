/**
 * The state shared by a root model and all its scoped children: documents,
 * snapshot cache, listeners. It turns every Yjs transaction on a document
 * into model events and delivers them once Yjs has finished the transaction.
 */
import * as Y from 'yjs';
import { DocEntry } from './doc-entry.ts';
import { ConflictTracker } from '../conflicts/conflict-tracker.ts';
import { EventBus } from '../events/event-bus.ts';
import type { ModelEvent, Passed } from '../events/model-event.ts';
import { splitPath } from '../paths/path.ts';
import { SnapshotCache } from '../paths/snapshot-cache.ts';
import type { SyncPort } from './sync-port.ts';
import { jsonEqual } from '../../query/compare-values.ts';
import type { SchemaMap } from '../../schema/standard-schema.ts';
import { transactionEvents } from '../events/transaction-events.ts';
import { WriteErrors } from '../mutations/write-errors.ts';
import { mapGet } from '../paths/y-node.ts';
import { CollectionSnapshots } from './collection-snapshots.ts';
import { child, nonEmpty, readPlain } from '../paths/plain-read.ts';
import { installYjsPatches } from '../mutations/yjs-patches.ts';

/** Key under which a local write stores its options in `transaction.meta`. */
export const WRITE_META = 'yracer:write';

/** Options a local write attaches to its transaction. */
export interface WriteMeta {
  readonly passed: Passed;
  readonly silent: boolean;
}

/** Transaction origin used when a document is loaded (emits `load`, not `change`). */
export const LOAD_ORIGIN: unique symbol = Symbol('yracer:load');

const EMPTY_PASSED: Passed = Object.freeze({});

/** Options of a model store. */
export interface ModelStoreOptions {
  /** Freeze snapshots (default: true unless NODE_ENV is `production`). */
  readonly freeze: boolean;
  /** Validators per collection: local writes that make a document invalid throw. */
  readonly schema?: SchemaMap | undefined;
}

/** Documents, caches and listeners of one root model. */
export class ModelStore {
  /** Snapshot cache for every document of this store. */
  readonly cache: SnapshotCache;
  /** Listener registry and delivery queue. */
  readonly bus = new EventBus();
  /** The transaction origin of this model's own writes (e.g. for a `Y.UndoManager`). */
  readonly origin: object = Object.freeze({ yracer: 'local' });
  /** The sync client, when the model has a server (set once by `createModel({ url })`). */
  sync: SyncPort | null = null;
  /** Open conflicts (remote writes that replaced concurrent local ones) and their listeners. */
  readonly conflicts: ConflictTracker;
  /** Listeners of `error` events (writes the server refused). */
  readonly writeErrors = new WriteErrors();
  /** Called with every document entry the store opens, before any transaction on it (an undo manager attaches here). */
  readonly entryOpened = new Set<(entry: DocEntry) => void>();
  /** Validators per collection (see `ModelStoreOptions.schema`). */
  readonly schema: SchemaMap | undefined;
  readonly #collections = new Map<string, Map<string, DocEntry>>();
  /** Collection and root snapshots, and the collections' versions. */
  readonly #snapshots: CollectionSnapshots;
  #closed = false;

  constructor(options: ModelStoreOptions) {
    installYjsPatches(); // a call, not a bare import: a bundler keeps it under "sideEffects": false
    this.schema = options.schema;
    this.cache = new SnapshotCache(options.freeze);
    this.conflicts = new ConflictTracker(this.cache, this.origin);
    this.#snapshots = new CollectionSnapshots(this.#collections, (entry) => this.docValue(entry), options.freeze);
  }

  /** The entry of a document, if this store holds it. */
  entry(collection: string, id: string): DocEntry | undefined {
    return this.#collections.get(collection)?.get(id);
  }

  /** The entry of a document, created (empty) when missing. */
  ensureEntry(collection: string, id: string): DocEntry {
    const existing = this.entry(collection, id);
    if (existing) return existing;
    if (this.#closed) throw new Error(`yracer: the model is closed; cannot open ${collection}.${id}`);
    const entry = new DocEntry(collection, id);
    let docs = this.#collections.get(collection);
    if (!docs) {
      docs = new Map();
      this.#collections.set(collection, docs);
    }
    docs.set(id, entry);
    entry.ydoc.on('beforeTransaction', () => {
      this.#snapshots.busy(entry, true);
      this.#snapshots.drop(entry.collection);
    });
    entry.ydoc.on('beforeObserverCalls', (tr: Y.Transaction) => this.#onTransaction(entry, tr));
    entry.ydoc.on('afterAllTransactions', () => {
      this.#snapshots.busy(entry, false);
      try {
        this.bus.flush();
      } finally {
        this.conflicts.flush();
      }
    });
    if (!entry.local) this.sync?.attach(entry);
    for (const opened of this.entryOpened) opened(entry);
    return entry;
  }

  /** Every entry of a collection (or of all collections). */
  entries(collection?: string): DocEntry[] {
    if (collection !== undefined) return [...(this.#collections.get(collection)?.values() ?? [])];
    return [...this.#collections.values()].flatMap((docs) => [...docs.values()]);
  }

  /** The document's value snapshot, or undefined when it does not exist. */
  docValue(entry: DocEntry): unknown {
    if (entry.local) return this.cache.value(mapGet(entry.root, entry.base[0] as string));
    if (this.cache.usable(entry.root)) return nonEmpty(this.cache.read(entry.root));
    return entry.exists() ? this.cache.read(entry.root) : undefined;
  }

  /** The snapshot at a path (segments already split). */
  read(segments: readonly string[]): unknown {
    const [collection, id] = segments;
    if (collection === undefined) return this.#snapshots.root();
    if (id === undefined) return this.#snapshots.collection(collection);
    const entry = this.entry(collection, id);
    if (!entry) return undefined;
    let node: unknown;
    if (entry.local) {
      node = mapGet(entry.root, entry.base[0] as string);
    } else if (this.cache.usable(entry.root)) {
      const snapshot = nonEmpty(this.cache.read(entry.root));
      return snapshot === undefined ? undefined : readPlain(snapshot, segments, 2);
    } else {
      node = entry.exists() ? entry.root : undefined;
    }
    // Walk the Yjs tree and build only the target (or switch to a cached snapshot on the way).
    for (let i = 2; i < segments.length && node !== undefined; i++) {
      if (node instanceof Y.AbstractType && this.cache.usable(node)) return readPlain(this.cache.read(node), segments, i);
      node = child(node, segments[i] as string);
    }
    return node === undefined ? undefined : this.cache.value(node);
  }

  /**
   * Loads a document's Yjs state (from a server, a bundle or offline storage).
   * A new document emits `load`; one already held merges the state and emits
   * the changes it caused. With `complete` false the state is merged but the
   * document is not marked loaded (nor `load` emitted).
   */
  load(collection: string, id: string, update?: Uint8Array, complete = true): DocEntry {
    const known = this.entry(collection, id);
    // A document held but never written (an empty Y.Doc) is loaded like a new one.
    const fresh = known === undefined || known.ydoc.store.clients.size === 0;
    const entry = known ?? this.ensureEntry(collection, id);
    if (update) Y.applyUpdate(entry.ydoc, update, LOAD_ORIGIN);
    if (!complete) return entry; // part of the document only (a bundle's writes): still to be loaded
    const announce = fresh || !entry.loaded;
    entry.loaded = true;
    if (announce) this.#emitLoad(entry);
    return entry;
  }

  /**
   * Replaces a synced document's Yjs document with a new one (a new Yjs
   * client id) holding only `update`: the server's state, after the server
   * refused a write that is in the old one. Listeners hear one `change` at
   * the document's path when the value differs (unless `announce` is false:
   * undoing a silent write nobody heard). Returns the new entry, or
   * undefined when the document is not held.
   */
  replaceDoc(collection: string, id: string, update: Uint8Array, announce = true): DocEntry | undefined {
    const old = this.entry(collection, id);
    const docs = this.#collections.get(collection);
    if (!old || !docs || old.local) return undefined;
    const previous = this.docValue(old);
    this.#remove(old, docs);
    const entry = this.ensureEntry(collection, id);
    Y.applyUpdate(entry.ydoc, update, LOAD_ORIGIN);
    entry.loaded = old.loaded;
    const value = this.docValue(entry);
    if (announce && !jsonEqual(previous, value)) this.#emit({ type: 'change', path: entry.path, value, previous, passed: EMPTY_PASSED, remote: true });
    return entry;
  }

  /**
   * Marks a held document as loaded (its source answered) without new state;
   * emits `load` the first time, so bindings waiting for it look again.
   */
  markLoaded(collection: string, id: string): void {
    const entry = this.entry(collection, id);
    if (!entry || entry.loaded) return;
    entry.loaded = true;
    this.#emitLoad(entry);
  }

  /**
   * Runs `fn` (many loads, say) with event delivery held back: listeners
   * hear every event after it returns, in order, and a query changes once.
   */
  batch<T>(fn: () => T): T {
    const release = this.bus.hold();
    try {
      return fn();
    } finally {
      release();
    }
  }

  /** Drops a document from memory, emitting `unload`; returns false when it was not held. */
  unload(collection: string, id: string): boolean {
    const docs = this.#collections.get(collection);
    const entry = docs?.get(id);
    if (!docs || !entry) return false;
    const previous = this.docValue(entry);
    this.#remove(entry, docs);
    this.#emit({ type: 'unload', path: entry.path, previous, previousDocument: previous, passed: EMPTY_PASSED, remote: false });
    this.conflicts.flush();
    return true;
  }

  /** Takes a document out of the store (of `docs`, its collection's map) and destroys its Yjs document. */
  #remove(entry: DocEntry, docs: Map<string, DocEntry>): void {
    docs.delete(entry.id);
    if (docs.size === 0) this.#collections.delete(entry.collection);
    this.#snapshots.drop(entry.collection);
    if (!entry.local) this.sync?.detach(entry);
    entry.ydoc.destroy();
    this.conflicts.dropDoc(entry.path);
  }

  /** Destroys every document and removes every listener. */
  close(): void {
    this.#closed = true;
    this.sync?.close();
    for (const entry of this.entries()) entry.ydoc.destroy();
    this.#collections.clear();
    this.#snapshots.clear();
    this.bus.clear();
    this.conflicts.clear();
    this.writeErrors.clear();
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Emits `load` for a document now in the model (its value as `value` and as Racer's `document`). */
  #emitLoad(entry: DocEntry): void {
    const value = this.docValue(entry);
    this.#emit({ type: 'load', path: entry.path, value, document: value, passed: EMPTY_PASSED, remote: true });
  }

  #emit(event: ModelEvent): void {
    this.bus.enqueue(event, splitPath(event.path));
    this.bus.flush();
  }

  #onTransaction(entry: DocEntry, tr: Y.Transaction): void {
    const meta = tr.meta.get(WRITE_META) as WriteMeta | undefined;
    const firstLoad = tr.origin === LOAD_ORIGIN && isNewlyLoaded(tr);
    const emit = !firstLoad && !(meta?.silent ?? false);
    const result = transactionEvents(entry, tr, this.cache, {
      passed: meta?.passed ?? EMPTY_PASSED,
      remote: !tr.local || tr.origin === LOAD_ORIGIN,
      emit,
    });
    this.conflicts.observe(entry, tr);
    if (!result.changed) return;
    this.#snapshots.drop(entry.collection);
    for (const { event, segments } of result.events) this.bus.enqueue(event, segments);
  }

  /**
   * A number that changes whenever a document of the collection may have
   * changed (null while one is in a transaction): a cheap key for caches of
   * values read from the collection.
   */
  collectionVersion(collection: string): number | null {
    return this.#snapshots.version(collection);
  }
}

/** True when a load transaction found the document empty (its first state). */
function isNewlyLoaded(tr: Y.Transaction): boolean {
  for (const clock of tr.beforeState.values()) if (clock > 0) return false;
  return true;
}
