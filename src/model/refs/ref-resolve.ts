/**
 * Reading and writing through refs: the choke points `get` and every
 * mutator go through. Without refs they cost one WeakMap lookup.
 */
import { modelError } from '../model-error.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { isIndexSegment, splitPath } from '../paths/path.ts';
import { registryOf, type RefListEntry, type RefRegistry, type Resolved } from './ref-registry.ts';

const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/** The registry's reader of ids (through refs), made once per store. */
function readerOf(registry: RefRegistry, store: ModelStore): (segments: readonly string[]) => unknown {
  return (registry.reader ??= (at) => readThrough(store, at));
}

/** Resolves split segments through the store's refs (a plain path when it has none). */
export function resolveSegments(store: ModelStore, segments: readonly string[]): Resolved {
  const registry = registryOf(store);
  if (registry === undefined || registry.size === 0) return { kind: 'path', segments };
  return registry.resolve(segments, readerOf(registry, store));
}

/** The snapshot at a path, read through refs (a ref list's path reads as its array of items). */
export function readThrough(store: ModelStore, segments: readonly string[]): unknown {
  const registry = registryOf(store);
  if (registry === undefined || registry.size === 0) return store.read(segments);
  const resolved = registry.resolve(segments, readerOf(registry, store));
  if (resolved.kind === 'path') return store.read(resolved.segments);
  if (resolved.kind === 'list') return listValue(store, resolved.list);
  return undefined;
}

/** What `get` reads (`path` is `segments` joined): through refs, and as in Racer `list.length` is an array's (or a string's) length; an object's own `length` key is read as any key. */
export function readValue(store: ModelStore, segments: readonly string[], path: string): unknown {
  const registry = registryOf(store);
  let value: unknown;
  if (registry === undefined || registry.size === 0) value = store.read(segments);
  else {
    const resolved = registry.resolvePath(path, segments, readerOf(registry, store));
    value = resolved.kind === 'path' ? store.read(resolved.segments) : resolved.kind === 'list' ? listValue(store, resolved.list) : undefined;
  }
  if (value === undefined && segments[segments.length - 1] === 'length') {
    const parent = readThrough(store, segments.slice(0, -1));
    if (Array.isArray(parent) || typeof parent === 'string') return parent.length;
  }
  return value;
}

/**
 * The items of a ref list: the value at `to.<id>` for each id (undefined for
 * a missing one). The same frozen array while neither the ids nor an item
 * changed, so it can be a React snapshot.
 */
export function listValue(store: ModelStore, list: RefListEntry): readonly unknown[] {
  const ids = readThrough(store, list.ids);
  if (!Array.isArray(ids)) {
    list.cache = { ids, items: NO_ITEMS };
    return NO_ITEMS;
  }
  const items = (ids as unknown[]).map((id) => (typeof id === 'string' ? readThrough(store, [...list.to, id]) : undefined));
  const cached = list.cache;
  if (cached && cached.items.length === items.length && items.every((item, i) => Object.is(item, cached.items[i]))) {
    list.cache = { ids, items: cached.items };
    return cached.items;
  }
  list.cache = { ids, items: Object.freeze(items) };
  return list.cache.items;
}

/** The indices at which each id of a ref list stands (rebuilt when the ids array changes). */
export function indicesById(store: ModelStore, list: RefListEntry): ReadonlyMap<string, readonly number[]> {
  const ids = readThrough(store, list.ids);
  const known = list.index;
  if (known !== null && known.ids === ids) return known.byId;
  const byId = new Map<string, number[]>();
  if (Array.isArray(ids)) {
    (ids as unknown[]).forEach((id, i) => {
      if (typeof id !== 'string') return;
      const at = byId.get(id);
      if (at) at.push(i);
      else byId.set(id, [i]);
    });
  }
  list.index = { ids, byId };
  return byId;
}

/** A ref list item named directly (`list.<index>`). */
export interface ListItem {
  readonly list: RefListEntry;
  readonly index: number;
}

/** What a mutator writes at: a resolved path; a ref list (`list`, its own path); and whether the path is a ref list's item (`item`). */
export interface WriteTarget {
  readonly path: string;
  readonly list: RefListEntry | null;
  readonly item: ListItem | null;
}

/**
 * The path a mutator of `method` writes at, resolved through refs; a ref
 * list's own path comes back with its entry (list writes change the ids).
 * Throws an `Error` naming the path when it resolves to nothing (an index
 * past a ref list's ids).
 */
export function writeTarget(store: ModelStore, method: string, path: string): WriteTarget {
  const registry = registryOf(store);
  if (registry === undefined || registry.size === 0) return { path, list: null, item: null };
  const segments = splitPath(path);
  const resolved = registry.resolvePath(path, segments, readerOf(registry, store));
  if (resolved.kind === 'path') return { path: resolved.segments.join('.'), list: null, item: listItem(registry, segments) };
  if (resolved.kind === 'list') return { path: resolved.list.from.join('.'), list: resolved.list, item: null };
  throw modelError('range', method, path, resolved.reason);
}

function listItem(registry: RefRegistry, segments: readonly string[]): ListItem | null {
  const last = segments[segments.length - 1];
  if (segments.length < 3 || last === undefined || !isIndexSegment(last)) return null;
  const entry = registry.at(segments.slice(0, -1));
  return entry?.kind === 'list' ? { list: entry, index: Number(last) } : null;
}

/** The resolved path a mutator writes at; a ref list's own path is an error for methods that cannot change a list. */
export function writePath(store: ModelStore, method: string, path: string): string {
  const target = writeTarget(store, method, path);
  if (target.list) throw modelError('type', method, path, `${target.path} is a ref list: change its items or use set, push, insert, remove, move`);
  return target.path;
}
