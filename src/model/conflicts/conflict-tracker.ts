/**
 * Keeps a model's open conflicts and tells listeners about new ones.
 *
 * A conflict opens when a remote transaction replaces a map value this client
 * wrote and the remote writer had not seen it (see conflict-detection.ts).
 * Only the side whose write was lost hears about it. These are never
 * conflicts, because they merge: concurrent increments, array inserts and
 * removals, text edits, writes to different keys of one object, and identical
 * conversions (the first increment or string edit of a plain value, or an
 * object created below a missing key, made on two peers at once: they are one
 * Yjs item). Not reported either, because a Yjs update does not record what
 * its writer had seen below the value it replaces or deletes: a remote write
 * that replaces or deletes an object it had seen while this client edited
 * inside it, and a local delete undone by a concurrent remote set.
 *
 * An open conflict is dropped when it is resolved, when this client writes
 * its path again (or a path above or below it: the user moved on), when its
 * document leaves the model, and when a newer conflict opens at the same
 * path. At most `MAX_OPEN_CONFLICTS` stay open: the oldest go first.
 */
import * as Y from 'yjs';
import type { Conflict, ConflictListener } from './conflict.ts';
import { findOverwrites } from './conflict-detection.ts';
import type { DocEntry } from '../documents/doc-entry.ts';
import { jsonEqual, type JsonValue } from '../paths/json-value.ts';
import { splitPath } from '../paths/path.ts';
import { ListenerErrors } from '../events/listener-errors.ts';
import { ListenerRegistry } from '../events/listener-registry.ts';
import type { SnapshotCache } from '../paths/snapshot-cache.ts';
import { isCounter, segmentsTo, type YType } from '../paths/y-node.ts';

/** How many conflicts stay open at most; opening one more drops the oldest. */
export const MAX_OPEN_CONFLICTS = 1000;

const EMPTY: readonly Conflict[] = Object.freeze([]);
/** How many filtered lists `list(path)` keeps for identity; more paths than this start over. */
const MAX_LISTS = 1000;

/** True when `path` is `base` or below it (`''` is above everything). */
export function isAtOrBelow(path: string, base: string): boolean {
  return base === '' || path === base || (path.startsWith(base) && path.charCodeAt(base.length) === 46 /* . */);
}

/** Model path of a changed type (plus key), or null when it is outside the document's value. */
function changedPath(entry: DocEntry, type: YType, key: string | null): string | null {
  const segments = segmentsTo(type, entry.root);
  if (segments === null) return null;
  if (key !== null) segments.push(key);
  const modelSegments = entry.modelSegments(segments);
  return modelSegments === null ? null : modelSegments.join('.');
}

/** The open conflicts of one model store, their listeners and watchers. */
export class ConflictTracker {
  readonly #cache: SnapshotCache;
  readonly #origin: unknown;
  /** Open conflicts by id, oldest first. */
  readonly #open = new Map<string, Conflict>();
  readonly #idByPath = new Map<string, string>();
  /** Open conflicts per document path, so local writes elsewhere cost one lookup. */
  readonly #perDoc = new Map<string, number>();
  /** Client ids this process wrote each document with (Yjs may change a document's id). */
  readonly #ownClients = new WeakMap<Y.Doc, Set<number>>();
  readonly #listeners = new ListenerRegistry<ConflictListener>();
  readonly #watchers = new Set<() => void>();
  #queue: Conflict[] = [];
  #dirty = false;
  #flushing = false;
  #ids = 0;
  #version = 0;
  #all: readonly Conflict[] | null = EMPTY;
  readonly #lists = new Map<string, { version: number; list: readonly Conflict[] }>();

  /**
   * @param cache The store's snapshot cache (to read replaced values as they were).
   * @param origin The transaction origin of the model's own writes.
   */
  constructor(cache: SnapshotCache, origin: unknown) {
    this.#cache = cache;
    this.#origin = origin;
  }

  /** Looks at a transaction on a document (after its events were derived, before observers run). */
  observe(entry: DocEntry, tr: Y.Transaction): void {
    if (entry.local) return;
    const doc = entry.ydoc;
    if (tr.local) {
      let own = this.#ownClients.get(doc);
      if (!own) this.#ownClients.set(doc, (own = new Set()));
      own.add(doc.clientID);
      if (this.#perDoc.has(entry.path)) this.#dropWritten(entry, tr);
      if (tr.origin === this.#origin) return;
    }
    const own = this.#ownClients.get(doc);
    const isOwn = (client: number): boolean => client === doc.clientID || (own?.has(client) ?? false);
    for (const overwrite of findOverwrites(entry, tr, isOwn)) {
      const mine = this.#cache.valueBefore(overwrite.mine, tr) as JsonValue | undefined;
      const theirs = this.#cache.value(overwrite.theirs) as JsonValue | undefined;
      if (!jsonEqual(mine, theirs)) this.#add(overwrite.path, mine, theirs);
    }
  }

  #add(path: string, mine: JsonValue | undefined, theirs: JsonValue | undefined): void {
    const previous = this.#idByPath.get(path);
    if (previous !== undefined) this.remove(previous);
    const conflict: Conflict = Object.freeze({ id: `conflict-${++this.#ids}`, path, mine, theirs, at: Date.now() });
    this.#open.set(conflict.id, conflict);
    this.#idByPath.set(path, conflict.id);
    const doc = docPath(path);
    this.#perDoc.set(doc, (this.#perDoc.get(doc) ?? 0) + 1);
    while (this.#open.size > MAX_OPEN_CONFLICTS) this.remove(this.#open.keys().next().value as string);
    this.#queue.push(conflict);
    this.#changed();
  }

  /** Drops the conflicts a local transaction wrote over (at, above or below their paths). */
  #dropWritten(entry: DocEntry, tr: Y.Transaction): void {
    const written: Array<[string, boolean]> = [];
    for (const [type, keys] of tr.changed) {
      if (type instanceof Y.Map && !isCounter(type)) {
        for (const key of keys) {
          const path = key === null ? null : changedPath(entry, type, key);
          if (path !== null) written.push([path, true]);
        }
      } else {
        // An edit inside an array, a text or a counter: it settles conflicts at or above it.
        const path = changedPath(entry, type, null);
        if (path !== null) written.push([path, false]);
      }
    }
    for (const conflict of [...this.#open.values()]) {
      if (!isAtOrBelow(conflict.path, entry.path)) continue;
      const hit = written.some(([path, replaces]) => isAtOrBelow(path, conflict.path) || (replaces && isAtOrBelow(conflict.path, path)));
      if (hit) this.remove(conflict.id);
    }
  }

  /** The open conflict with this id, if any. */
  get(id: string): Conflict | undefined {
    return this.#open.get(id);
  }

  /** Drops an open conflict; returns false when there was none with this id. */
  remove(id: string): boolean {
    const conflict = this.#open.get(id);
    if (!conflict) return false;
    this.#open.delete(id);
    if (this.#idByPath.get(conflict.path) === id) this.#idByPath.delete(conflict.path);
    const doc = docPath(conflict.path);
    const left = (this.#perDoc.get(doc) ?? 1) - 1;
    if (left > 0) this.#perDoc.set(doc, left);
    else this.#perDoc.delete(doc);
    this.#changed();
    return true;
  }

  /** Drops the conflicts of a document (it left the model). */
  dropDoc(path: string): void {
    if (!this.#perDoc.has(path)) return;
    for (const conflict of [...this.#open.values()]) if (isAtOrBelow(conflict.path, path)) this.remove(conflict.id);
  }

  /**
   * The open conflicts at `path` or below it (all for `''`), oldest first.
   * The same array is returned while that list does not change.
   */
  list(path = ''): readonly Conflict[] {
    if (this.#all === null) this.#all = this.#open.size === 0 ? EMPTY : Object.freeze([...this.#open.values()]);
    if (path === '') return this.#all;
    const cached = this.#lists.get(path);
    if (cached?.version === this.#version) return cached.list;
    const fresh = this.#all.filter((conflict) => isAtOrBelow(conflict.path, path));
    const list = cached && sameItems(cached.list, fresh) ? cached.list : fresh.length === 0 ? EMPTY : Object.freeze(fresh);
    if (!cached && this.#lists.size >= MAX_LISTS) this.#lists.clear();
    this.#lists.set(path, { version: this.#version, list });
    return list;
  }

  /** Registers a listener for new conflicts whose path matches the pattern segments. */
  on(segments: readonly string[], fn: ConflictListener): void {
    this.#listeners.add(segments, fn, {});
  }

  /** Removes every registration of a listener; returns true when there was one. */
  off(fn: ConflictListener): boolean {
    return this.#listeners.remove(fn);
  }

  /** Calls `onChange` after every change of the open conflicts; returns the stop function. */
  watch(onChange: () => void): () => void {
    const watcher = (): void => onChange();
    this.#watchers.add(watcher);
    return () => void this.#watchers.delete(watcher);
  }

  /** Drops every conflict, listener and watcher (the model closed). */
  clear(): void {
    this.#open.clear();
    this.#idByPath.clear();
    this.#perDoc.clear();
    this.#lists.clear();
    this.#queue = [];
    this.#all = EMPTY;
    this.#version++;
    this.#listeners.clear();
    this.#watchers.clear();
  }

  #changed(): void {
    this.#version++;
    this.#all = null;
    this.#dirty = true;
  }

  /**
   * Delivers new conflicts to listeners, then tells watchers the list
   * changed; listener errors are rethrown once everything is delivered.
   */
  flush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    const errors = new ListenerErrors();
    try {
      while (this.#queue.length > 0 || this.#dirty) {
        const queue = this.#queue;
        this.#queue = [];
        for (const conflict of queue) {
          for (const [registration, captures] of this.#listeners.matches(splitPath(conflict.path))) if (registration.active) errors.run(() => registration.fn(conflict, captures));
        }
        if (this.#queue.length > 0 || !this.#dirty) continue;
        this.#dirty = false;
        for (const watcher of [...this.#watchers]) errors.run(watcher);
      }
    } finally {
      this.#flushing = false;
    }
    errors.rethrow('conflict listeners');
  }
}

/** `collection.id` of a path below a document. */
function docPath(path: string): string {
  const first = path.indexOf('.');
  const second = first < 0 ? -1 : path.indexOf('.', first + 1);
  return second < 0 ? path : path.slice(0, second);
}

function sameItems(a: readonly Conflict[], b: readonly Conflict[]): boolean {
  return a.length === b.length && a.every((conflict, i) => conflict === b[i]);
}
