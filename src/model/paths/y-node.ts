/**
 * Small, typed helpers over the Yjs structures the model reads: which kind of
 * node a stored value is, and whether an item existed before a transaction.
 * Yjs keeps these internals (`_map`, `_start`, `_item`) stable across 13.x and
 * types them in its declarations.
 */
import * as Y from 'yjs';

/** Any Yjs shared type (the event type parameter does not matter here). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs' own type parameter, internal only
export type YType = Y.AbstractType<any>;

/** Key under which a counter map stores its base value; user keys cannot start with NUL. */
export const COUNTER_KEY = '\u0000counter';

/** What a stored value is, as far as the model is concerned. */
export type NodeKind = 'missing' | 'primitive' | 'map' | 'array' | 'text' | 'counter' | 'foreign';

/** The kind of a raw stored value (a Yjs type or a primitive). */
export function nodeKind(node: unknown): NodeKind {
  if (node === undefined) return 'missing';
  if (node instanceof Y.Map) return isCounter(node) ? 'counter' : 'map';
  if (node instanceof Y.Array) return 'array';
  if (node instanceof Y.Text) return 'text';
  if (node instanceof Y.AbstractType) return 'foreign';
  return 'primitive';
}

/** True when the map is a counter (a `Y.Map` holding a base and per-client sums). */
export function isCounter(map: YType): boolean {
  const item = map._map.get(COUNTER_KEY);
  return item !== undefined && !item.deleted;
}

/** Words for error messages: `a string`, `an array`, `null`, ... */
export function describeNode(node: unknown): string {
  switch (nodeKind(node)) {
    case 'missing':
      return 'undefined';
    case 'map':
      return 'an object';
    case 'array':
      return 'an array';
    case 'text':
      return 'a string';
    case 'counter':
      return 'a number';
    case 'foreign':
      return `a ${(node as object).constructor.name}`;
    case 'primitive':
      if (node === null) return 'null';
      return typeof node === 'object' ? 'an object' : `a ${typeof node}`;
  }
}

/** The value held by a map item (the last element of its content). */
export function mapItemValue(item: Y.Item): unknown {
  return item.content.getContent()[item.length - 1];
}

/** The live raw value of a map key (a Yjs type or a primitive), or undefined. */
export function mapGet(map: YType, key: string): unknown {
  const item = map._map.get(key);
  return item === undefined || item.deleted ? undefined : mapItemValue(item);
}

/** The parent type of a nested type, or null for a root type. */
export function parentType(type: YType): YType | null {
  const item = type._item;
  return item === null ? null : (item.parent as YType);
}

/** True when the item was created inside the transaction. */
export function addedIn(item: Y.Item, tr: Y.Transaction): boolean {
  return item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}

/** True when the item was deleted inside the transaction (it existed before it). */
export function deletedIn(item: Y.Item, tr: Y.Transaction): boolean {
  return item.deleted && Y.isDeleted(tr.deleteSet, item.id);
}

/** True when the item was present (not deleted) before the transaction began. */
export function aliveBefore(item: Y.Item, tr: Y.Transaction): boolean {
  return !addedIn(item, tr) && (!item.deleted || Y.isDeleted(tr.deleteSet, item.id));
}

/** The map item that held `key` before the transaction, or null. */
export function mapItemBefore(map: YType, key: string, tr: Y.Transaction): Y.Item | null {
  let item: Y.Item | null = map._map.get(key) ?? null;
  while (item !== null && addedIn(item, tr)) item = item.left;
  return item !== null && aliveBefore(item, tr) ? item : null;
}

/** True when this type or one of its ancestors has been deleted. */
export function isDetached(type: YType): boolean {
  for (let t: YType | null = type; t !== null; t = parentType(t)) {
    if (t._item?.deleted) return true;
  }
  return false;
}

/**
 * Counts the live elements before `item` in its array, walking from whichever
 * end is nearer (both walks advance together), so appends and prepends are O(1).
 */
export function indexOfItem(array: YType, item: Y.Item): number {
  let left = item.left;
  let right: Y.Item | null = item;
  let leftCount = 0;
  let rightCount = 0;
  for (;;) {
    if (left === null) return leftCount;
    if (right === null) return array._length - rightCount;
    if (!left.deleted && left.countable) leftCount += left.length;
    if (!right.deleted && right.countable) rightCount += right.length;
    left = left.left;
    right = right.right;
  }
}

/** Yjs segments (map keys, array indexes) from `root` down to `type`, or null when it is detached or elsewhere. */
export function segmentsTo(type: YType, root: YType): string[] | null {
  const segments: string[] = [];
  for (let t = type; t !== root; ) {
    const item = t._item;
    if (item === null || item.deleted) return null;
    const parent = item.parent as YType;
    segments.push(item.parentSub ?? String(indexOfItem(parent, item)));
    t = parent;
  }
  return segments.reverse();
}
