/**
 * Array mutations: `insert`, `push`, `unshift`, `remove`, `pop`, `shift`,
 * `move`. Indices are checked before anything is written; `move` deletes and
 * re-inserts in one transaction, which every peer reports as one `move` event.
 */
import * as Y from 'yjs';
import type { DocEntry } from '../documents/doc-entry.ts';
import { assertJson, locateField, materialize, type Location } from '../paths/locate.ts';
import { modelError } from '../model-error.ts';
import { stableReplace } from './stable-replace.ts';
import { cloneStored, toYjs } from './to-yjs.ts';
import { commit, settle, type WriteCallback, type WriteScope } from './write-scope.ts';
import { describeNode, type YType } from '../paths/y-node.ts';

/** An array a mutation works on: where it is, and the array when it exists. */
export interface ArrayTarget {
  readonly location: Location;
  readonly array: Y.Array<unknown> | null;
  readonly length: number;
}

/** Locates the array at a path; throws a `TypeError` when something else is there (missing is allowed when asked). */
export function arrayTarget(scope: WriteScope, method: string, path: string, allowMissing: boolean): ArrayTarget {
  const location = locateField(scope.store, method, path, 'an array');
  const node = location.node;
  if (node instanceof Y.Array) return { location, array: node, length: node.length };
  if (node === undefined && allowMissing) return { location, array: null, length: 0 };
  throw modelError('type', method, path, `${path} is ${describeNode(node)}, not an array`);
}

function assertInteger(method: string, path: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw modelError('type', method, path, `${name} must be an integer, got ${String(value)}`);
  }
}

/** The array at a location, created (inside the write's transaction) when missing. */
export function ensureArray(entry: DocEntry, location: Location): Y.Array<unknown> {
  const parent = materialize(entry, location.ySegments);
  if (parent instanceof Y.Array) {
    const created = new Y.Array<unknown>();
    parent.insert(Number(location.key), [created]);
    return created;
  }
  const current = (parent as Y.Map<unknown>).get(location.key);
  if (current instanceof Y.Array) return current;
  return stableReplace(parent as YType, location.key, 'array', undefined, () => new Y.Array<unknown>());
}

/** `insert(path, index, ...values)`: inserts values at index (`'end'` appends); returns the new length. */
export function insertValues(
  scope: WriteScope,
  path: string,
  at: number | 'end',
  values: readonly unknown[],
  callback?: WriteCallback,
  method = 'insert',
): number {
  const { location, array, length } = arrayTarget(scope, method, path, true);
  const index = at === 'end' ? length : at;
  assertInteger(method, path, 'index', index);
  if (index < 0 || index > length) throw modelError('range', method, path, `index ${index} is out of range (length ${length})`);
  assertJson(location.target, values, 'values');
  if (values.length === 0) {
    settle(scope, callback);
    return length;
  }
  const { target } = location;
  const entry = location.entry ?? scope.store.ensureEntry(target.collection, target.id);
  return commit(
    scope,
    entry,
    () => {
      const into = array ?? ensureArray(entry, location);
      into.insert(index, values.map(toYjs));
      return into.length;
    },
    callback,
  );
}

/** `remove(path, index, howMany)`: removes values; returns them. */
export function removeValues(
  scope: WriteScope,
  path: string,
  index: number,
  howMany: number,
  callback?: WriteCallback,
  method = 'remove',
): unknown[] {
  const { location, array, length } = arrayTarget(scope, method, path, method !== 'remove');
  assertInteger(method, path, 'index', index);
  assertInteger(method, path, 'howMany', howMany);
  if (howMany < 0) throw modelError('range', method, path, `howMany must not be negative, got ${howMany}`);
  if (index < 0 || index + howMany > length || (howMany > 0 && index >= length)) {
    throw modelError('range', method, path, `cannot remove ${howMany} at index ${index} (length ${length})`);
  }
  if (array === null || howMany === 0) {
    settle(scope, callback);
    return [];
  }
  const removed = array.slice(index, index + howMany).map((raw) => scope.store.cache.value(raw));
  commit(scope, location.entry as DocEntry, () => array.delete(index, howMany), callback);
  return removed;
}

/** `pop(path)` / `shift(path)`: removes the last / first value and returns it (undefined when empty). */
export function removeEnd(scope: WriteScope, path: string, end: 'pop' | 'shift', callback?: WriteCallback): unknown {
  const { length } = arrayTarget(scope, end, path, true);
  if (length === 0) {
    settle(scope, callback);
    return undefined;
  }
  return removeValues(scope, path, end === 'pop' ? length - 1 : 0, 1, callback, end)[0];
}

/** `move(path, from, to, howMany)`: moves values so they start at `to`; returns the moved values. */
export function moveValues(
  scope: WriteScope,
  path: string,
  from: number,
  to: number,
  howMany: number,
  callback?: WriteCallback,
): unknown[] {
  const { location, array, length } = arrayTarget(scope, 'move', path, false);
  assertInteger('move', path, 'from', from);
  assertInteger('move', path, 'to', to);
  assertInteger('move', path, 'howMany', howMany);
  const start = from < 0 ? from + length : from;
  const end = to < 0 ? to + length : to;
  if (howMany < 1 || start < 0 || end < 0 || start + howMany > length || end + howMany > length) {
    throw modelError('range', 'move', path, `cannot move ${howMany} from ${from} to ${to} (length ${length})`);
  }
  const raws = (array as Y.Array<unknown>).slice(start, start + howMany);
  const moved = raws.map((raw) => scope.store.cache.value(raw));
  if (start === end || array === null) {
    settle(scope, callback);
    return moved;
  }
  commit(
    scope,
    location.entry as DocEntry,
    () => {
      const copies = raws.map(cloneStored);
      array.delete(start, howMany);
      array.insert(end, copies);
    },
    callback,
  );
  return moved;
}
