/**
 * Writes on a ref list's own path change its ids: `set` (and `setDiff`,
 * `setArrayDiff`) turn the ids into those of the items given, `push`,
 * `unshift` and `insert` add items, `remove`, `pop`, `shift` and `move`
 * remove or move ids. An item given with an `id` is written at `to.<id>`
 * when it differs; one without gets a new id (and is added). With
 * `deleteRemoved`, the items of removed ids are deleted. The callback is
 * called once every write of the operation (items, ids, deletions) is stored.
 */
import { insertValues, moveValues, removeValues } from '../mutations/array-mutations.ts';
import { JoinedCallback } from '../mutations/joined-callback.ts';
import { newId } from '../mutations/document-mutations.ts';
import { jsonEqual } from '../paths/json-value.ts';
import { modelError } from '../model-error.ts';
import { isValidDocId } from '../paths/path.ts';
import type { RefListEntry } from './ref-registry.ts';
import { listValue, readThrough, writePath, type ListItem } from './ref-resolve.ts';
import { setArrayDiff } from '../mutations/set-array-diff.ts';
import { delValue, setValue } from '../mutations/value-mutations.ts';
import type { WriteCallback, WriteScope } from '../mutations/write-scope.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the items, gives new ones an id, writes those that differ (each with a part of `joined`); returns their ids. */
function itemIds(scope: WriteScope, list: RefListEntry, method: string, values: readonly unknown[], joined?: JoinedCallback): string[] {
  const from = list.from.join('.');
  const items = values.map((value, i) => {
    if (!isPlainObject(value)) {
      throw modelError('type', method, from, `item ${i} must be an object (a document of ${list.to.join('.')}), got ${value === null ? 'null' : typeof value}`);
    }
    const id = value['id'] ?? newId();
    if (typeof id !== 'string' || !isValidDocId(id)) throw modelError('type', method, from, `item ${i} has an invalid id ${JSON.stringify(id)}`);
    return { id, value: value['id'] === undefined ? { ...value, id } : value };
  });
  for (const { id, value } of items) {
    const path = writePath(scope.store, method, [...list.to, id].join('.'));
    if (!jsonEqual(readThrough(scope.store, [...list.to, id]), value)) setValue(scope, path, value, joined?.part(), method);
  }
  return items.map((item) => item.id);
}

function idsPath(scope: WriteScope, list: RefListEntry, method: string): string {
  return writePath(scope.store, method, list.ids.join('.'));
}

function currentIds(scope: WriteScope, list: RefListEntry): readonly unknown[] {
  const ids = readThrough(scope.store, list.ids);
  return Array.isArray(ids) ? (ids as unknown[]) : [];
}

/** Deletes the items of ids no longer in the list (`deleteRemoved`), each with a part of `joined`. */
function deleteGone(scope: WriteScope, list: RefListEntry, method: string, removed: readonly unknown[], joined?: JoinedCallback): void {
  if (!list.deleteRemoved) return;
  const kept = new Set(currentIds(scope, list));
  for (const id of new Set(removed)) {
    if (typeof id === 'string' && !kept.has(id)) delValue(scope, writePath(scope.store, method, [...list.to, id].join('.')), joined?.part());
  }
}

/** `set` / `setDiff` / `setArrayDiff` of the list: its ids become the items' ids (moves and inserts as needed); returns the previous items. */
export function listSet(scope: WriteScope, list: RefListEntry, value: unknown, method: string, callback?: WriteCallback): unknown {
  if (value !== undefined && value !== null && !Array.isArray(value)) {
    throw modelError('type', method, list.from.join('.'), `a ref list is set to an array of items, got ${typeof value}`);
  }
  const previous = listValue(scope.store, list);
  const before = currentIds(scope, list);
  const joined = new JoinedCallback(callback);
  const ids = itemIds(scope, list, method, (value ?? []) as readonly unknown[], joined);
  setArrayDiff(scope, idsPath(scope, list, method), ids, 'identity', joined.part());
  deleteGone(scope, list, method, before, joined);
  joined.seal();
  return previous;
}

/** `push` / `unshift` / `insert` of items into the list; returns its new length. */
export function listInsert(scope: WriteScope, list: RefListEntry, at: number | 'end', values: readonly unknown[], method: string, callback?: WriteCallback): number {
  const joined = new JoinedCallback(callback);
  const ids = itemIds(scope, list, method, values, joined);
  const length = insertValues(scope, idsPath(scope, list, method), at, ids, joined.part(), method);
  joined.seal();
  return length;
}

/** `remove` of items (and `pop` / `shift` through it); returns the items removed. */
export function listRemove(scope: WriteScope, list: RefListEntry, index: number | 'pop' | 'shift', howMany: number, callback?: WriteCallback): unknown[] {
  const method = typeof index === 'number' ? 'remove' : index;
  const length = currentIds(scope, list).length;
  if (typeof index !== 'number' && length === 0) return [];
  const at = index === 'pop' ? length - 1 : index === 'shift' ? 0 : index;
  const items = listValue(scope.store, list).slice(at, at + howMany);
  const joined = new JoinedCallback(callback);
  const removed = removeValues(scope, idsPath(scope, list, method), at, howMany, joined.part(), method);
  deleteGone(scope, list, method, removed, joined);
  joined.seal();
  return items;
}

/** `move` of items; returns the items moved. */
export function listMove(scope: WriteScope, list: RefListEntry, from: number, to: number, howMany: number, callback?: WriteCallback): unknown[] {
  const ids = moveValues(scope, idsPath(scope, list, 'move'), from, to, howMany, callback);
  return ids.map((id) => (typeof id === 'string' ? readThrough(scope.store, [...list.to, id]) : undefined));
}

/** `del` of the list: deletes its ids (and, with `deleteRemoved`, their items); returns the previous items. */
export function listDel(scope: WriteScope, list: RefListEntry, callback?: WriteCallback): unknown {
  const previous = listValue(scope.store, list);
  const before = currentIds(scope, list);
  const joined = new JoinedCallback(callback);
  delValue(scope, idsPath(scope, list, 'del'), joined.part());
  deleteGone(scope, list, 'del', before, joined);
  joined.seal();
  return previous;
}

/**
 * `set` (and its variants) of `list.<index>`: an item whose `id` differs from
 * the id at that index is written at `to.<its id>` and takes the index (as
 * Racer does); any other value is written at the item (`write`). Returns the
 * previous item.
 */
export function itemSet(
  scope: WriteScope,
  item: ListItem,
  path: string,
  value: unknown,
  method: string,
  callback: WriteCallback | undefined,
  write: (path: string, value: unknown, callback?: WriteCallback) => unknown,
): unknown {
  const { list, index } = item;
  const old = currentIds(scope, list)[index];
  const id = isPlainObject(value) ? value['id'] : undefined;
  if (typeof id !== 'string' || id === old) return write(path, value, callback);
  const previous = typeof old === 'string' ? readThrough(scope.store, [...list.to, old]) : undefined;
  const joined = new JoinedCallback(callback);
  itemIds(scope, list, method, [value], joined);
  setValue(scope, `${idsPath(scope, list, method)}.${index}`, id, joined.part(), method);
  deleteGone(scope, list, method, [old], joined);
  joined.seal();
  return previous;
}
