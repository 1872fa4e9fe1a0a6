/**
 * Immutable, structurally shared snapshots of Yjs types.
 *
 * Each shared type keeps its last snapshot until a transaction changes it or
 * something below it; then that type and its ancestors are rebuilt on the
 * next read, reusing the cached snapshots of every unchanged child. So a
 * change replaces only the changed node and its ancestors, and unchanged
 * subtrees keep their identity.
 *
 * Invariant: if a type is cached, every type below it is cached too, so
 * invalidation walks up only until it meets a type that is already invalid.
 */
import * as Y from 'yjs';
import { COUNTER_KEY, aliveBefore, isCounter, mapItemValue, parentType, type YType } from './y-node.ts';

const freezeValue = <T>(value: T, freeze: boolean): T => (freeze ? Object.freeze(value) : value);

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** A deep copy of a plain value stored as-is by a stock Yjs client (never hand out Yjs' own objects). */
function copyPlain(value: unknown, freeze: boolean): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) return freezeValue(Array.from(value), freeze);
  if (Array.isArray(value)) return freezeValue(value.map((child) => copyPlain(child, freeze)), freeze);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) setKey(out, key, copyPlain(child, freeze));
  return freezeValue(out, freeze);
}

/** Sums a counter's entries in a fixed order (base first, then client ids ascending). */
function sumCounter(entries: Array<[string, unknown]>): number {
  entries.sort((a, b) => (a[0] === COUNTER_KEY ? -1 : b[0] === COUNTER_KEY ? 1 : Number(a[0]) - Number(b[0])));
  let sum = 0;
  for (const [, value] of entries) if (typeof value === 'number') sum += value;
  return sum;
}

/** False while the type's document has a transaction open or queued (caches may be stale then). */
function cacheable(type: YType): boolean {
  const doc = type.doc;
  return doc === null || (doc._transaction === null && doc._transactionCleanups.length <= 1);
}

/** Caches and builds snapshots; one per model store. */
export class SnapshotCache {
  readonly #cache = new WeakMap<YType, unknown>();
  readonly #freeze: boolean;

  /** @param freeze Freeze every snapshot node (development mode). */
  constructor(freeze: boolean) {
    this.#freeze = freeze;
  }

  /** The current snapshot of a type. */
  read(type: YType): unknown {
    // While a transaction is open (or queued), cached entries may be stale: build without caching.
    if (!cacheable(type)) return this.#build(type, null, false);
    if (this.#cache.has(type)) return this.#cache.get(type);
    const value = this.#build(type, null, true);
    this.#cache.set(type, value);
    return value;
  }

  /** The snapshot of a raw stored value (a Yjs type or a primitive). */
  value(raw: unknown): unknown {
    if (raw instanceof Y.AbstractType) return this.read(raw);
    return this.#plain(raw);
  }

  /** The snapshot a type had before the transaction `tr` (call before invalidating). */
  before(type: YType, tr: Y.Transaction): unknown {
    if (this.#cache.has(type)) return this.#cache.get(type);
    return this.#build(type, tr, false);
  }

  /** The snapshot a raw value had before the transaction `tr`. */
  valueBefore(raw: unknown, tr: Y.Transaction): unknown {
    if (raw instanceof Y.AbstractType) return this.before(raw, tr);
    return this.#plain(raw);
  }

  /** Forgets the snapshot of a type and of every ancestor. */
  invalidate(type: YType): void {
    for (let t: YType | null = type; t !== null && this.#cache.delete(t); t = parentType(t));
  }

  /** True when a snapshot of the type is cached (it may be stale inside a transaction; see `usable`). */
  has(type: YType): boolean {
    return this.#cache.has(type);
  }

  /** True when the type's cached snapshot is current and may be read now. */
  usable(type: YType): boolean {
    return this.#cache.has(type) && cacheable(type);
  }

  #plain(raw: unknown): unknown {
    if (raw instanceof Y.Doc) return null;
    return copyPlain(raw, this.#freeze);
  }

  #child(raw: unknown, tr: Y.Transaction | null, cache: boolean): unknown {
    if (raw instanceof Y.AbstractType) {
      if (tr !== null) return this.before(raw, tr);
      if (!cache) return this.#build(raw, null, false);
      return this.read(raw);
    }
    return this.#plain(raw);
  }

  /** Builds a snapshot: of the current state (`tr` null) or of the state before `tr`. */
  #build(type: YType, tr: Y.Transaction | null, cache: boolean): unknown {
    const alive = (item: Y.Item): boolean => (tr === null ? !item.deleted : aliveBefore(item, tr));
    if (type instanceof Y.Map) {
      if (isCounter(type)) {
        const entries: Array<[string, unknown]> = [];
        for (const [key, item] of type._map) {
          const current = tr === null ? item : this.#itemBefore(item, tr);
          if (current !== null && alive(current)) entries.push([key, mapItemValue(current)]);
        }
        return sumCounter(entries);
      }
      const out: Record<string, unknown> = {};
      for (const [key, last] of type._map) {
        const item = tr === null ? last : this.#itemBefore(last, tr);
        if (item !== null && alive(item)) setKey(out, key, this.#child(mapItemValue(item), tr, cache));
      }
      return freezeValue(out, this.#freeze);
    }
    if (type instanceof Y.Array) {
      const out: unknown[] = [];
      for (let item = type._start; item !== null; item = item.right) {
        if (!item.countable || !alive(item)) continue;
        for (const raw of item.content.getContent()) out.push(this.#child(raw, tr, cache));
      }
      return freezeValue(out, this.#freeze);
    }
    if (type instanceof Y.Text) {
      if (tr === null) return type.toString();
      let text = '';
      for (let item = type._start; item !== null; item = item.right) {
        if (item.content instanceof Y.ContentString && aliveBefore(item, tr)) text += item.content.str;
      }
      return text;
    }
    return type.toString();
  }

  /** Walks a map key's item chain back to the item that was there before `tr`. */
  #itemBefore(last: Y.Item, tr: Y.Transaction): Y.Item | null {
    let item: Y.Item | null = last;
    while (item !== null && item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0)) item = item.left;
    return item;
  }
}
