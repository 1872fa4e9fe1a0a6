/**
 * Turns what a Yjs transaction did to one array into Racer-style operations:
 * inserts and removes, in order, whose indices are valid when applied one
 * after the other to the array as it was before the transaction.
 *
 * Only the neighbourhood of the changed items is walked (plus a count of the
 * nearer end of the array), so a push to a 20,000 element array costs O(1),
 * not O(n). Local and remote transactions go through the same code, which is
 * why both emit the same events.
 */
import * as Y from 'yjs';
import type { SnapshotCache } from '../paths/snapshot-cache.ts';
import { addedIn, deletedIn, indexOfItem, type YType } from '../paths/y-node.ts';

/** One operation on an array; inserted values are read after caches are refreshed. */
export type ArrayOp =
  | { kind: 'insert'; index: number; items: Y.Item[]; count: number }
  | { kind: 'remove'; index: number; values: unknown[] };

/** The items each array gained or lost in a transaction. */
export type TouchedItems = Map<YType, Y.Item[]>;

/** Above this many touched items one walk over the whole array is cheaper. */
const FULL_WALK_THRESHOLD = 64;

function touch(map: TouchedItems, item: Y.Item): void {
  if (item.parentSub !== null) return;
  const parent = item.parent as YType;
  const list = map.get(parent);
  if (list) list.push(item);
  else map.set(parent, [item]);
}

/** Collects, per array, the items inserted or deleted by the transaction. */
export function touchedItems(tr: Y.Transaction): TouchedItems {
  const map: TouchedItems = new Map();
  const store = tr.doc.store;
  for (const [client, after] of tr.afterState) {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = store.clients.get(client);
    if (!structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i];
      if (struct instanceof Y.Item) touch(map, struct);
    }
  }
  for (const [client, ranges] of tr.deleteSet.clients) {
    const structs = store.clients.get(client);
    if (!structs) continue;
    for (const range of ranges) {
      const end = range.clock + range.len;
      for (let i = Y.findIndexSS(structs, range.clock); i < structs.length; i++) {
        const struct = structs[i];
        if (struct === undefined || struct.id.clock >= end) break;
        if (struct instanceof Y.Item && !addedIn(struct, tr)) touch(map, struct);
      }
    }
  }
  return map;
}

/** True when the transaction inserted or deleted the item (only such items make up a region). */
const isTouched = (item: Y.Item, tr: Y.Transaction): boolean => addedIn(item, tr) || deletedIn(item, tr);

interface Region {
  first: Y.Item;
  last: Y.Item | null;
  index: number;
}

function regionsOf(array: YType, touched: readonly Y.Item[], tr: Y.Transaction): Region[] {
  if (touched.length > FULL_WALK_THRESHOLD) {
    return array._start === null ? [] : [{ first: array._start, last: null, index: 0 }];
  }
  const seen = new Set<Y.Item>();
  const regions: Region[] = [];
  for (const item of touched) {
    if (seen.has(item)) continue;
    let first = item;
    while (first.left !== null && isTouched(first.left, tr)) first = first.left;
    let last = item;
    while (last.right !== null && isTouched(last.right, tr)) last = last.right;
    for (let n: Y.Item | null = first; n !== null; n = n === last ? null : n.right) seen.add(n);
    regions.push({ first, last, index: indexOfItem(array, first) });
  }
  // Regions separated only by old tombstones share an index: keep their order in the list.
  return regions.sort((a, b) => a.index - b.index || (comesBefore(a, b) ? -1 : 1));
}

/** True when region `a` lies before region `b` (they are separated by nothing that has a width). */
function comesBefore(a: Region, b: Region): boolean {
  for (let n = a.last?.right ?? null; n !== null; n = n.right) {
    if (n === b.first) return true;
    if (!n.deleted && n.countable) return false;
  }
  return false;
}

/** Computes the ordered insert/remove operations one transaction made on an array. */
export function arrayChanges(
  array: YType,
  touched: readonly Y.Item[],
  tr: Y.Transaction,
  cache: SnapshotCache,
): ArrayOp[] {
  const ops: ArrayOp[] = [];
  for (const region of regionsOf(array, touched, tr)) {
    let index = region.index;
    for (let item: Y.Item | null = region.first; item !== null; item = item.right) {
      if (item.countable) {
        const added = addedIn(item, tr);
        if (added && !item.deleted) {
          const prev = ops[ops.length - 1];
          if (prev?.kind === 'insert' && prev.index + prev.count === index) {
            prev.items.push(item);
            prev.count += item.length;
          } else {
            ops.push({ kind: 'insert', index, items: [item], count: item.length });
          }
          index += item.length;
        } else if (!added && deletedIn(item, tr)) {
          const values = item.content.getContent().map((raw) => cache.valueBefore(raw, tr));
          const prev = ops[ops.length - 1];
          if (prev?.kind === 'remove' && prev.index === index) prev.values.push(...values);
          else ops.push({ kind: 'remove', index, values });
        } else if (!item.deleted) {
          index += item.length;
        }
      }
      if (item === region.last) break;
    }
  }
  return ops;
}
