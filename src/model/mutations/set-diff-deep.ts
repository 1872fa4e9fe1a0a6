/**
 * `setDiffDeep`: makes the value at a path deep-equal to a new value with the
 * smallest writes it can find, so unchanged parts keep their Yjs identity (and
 * their snapshot identity), concurrent edits elsewhere survive, texts stay
 * texts and counters stay counters.
 *
 * Objects are diffed key by key; arrays by common prefix and suffix, then
 * element by element when the changed middle keeps its length, else the middle
 * is replaced; strings in a `Y.Text` by common prefix and suffix.
 */
import * as Y from 'yjs';
import { addToCounter } from './counter-mutations.ts';
import { jsonEqual } from '../paths/json-value.ts';
import { assertJson, isDocumentTarget, locate, parseTarget, writeValue } from '../paths/locate.ts';
import { toYjs } from './to-yjs.ts';
import { writeAt, writeDocument } from './value-mutations.ts';
import { commit, settle, type WriteCallback, type WriteScope } from './write-scope.ts';
import { isCounter, mapGet, type YType } from '../paths/y-node.ts';

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when `patch` can edit `raw` in place to reach `after`. */
function patchable(raw: unknown, before: unknown, after: unknown): boolean {
  if (raw instanceof Y.Map) {
    if (isCounter(raw)) return Number.isInteger(after) && Number.isInteger(before);
    return isPlain(after) && isPlain(before);
  }
  if (raw instanceof Y.Array) return Array.isArray(after) && Array.isArray(before);
  if (raw instanceof Y.Text) return typeof after === 'string' && typeof before === 'string';
  return false;
}

function patchNode(raw: YType, before: unknown, after: unknown): void {
  if (raw instanceof Y.Map && isCounter(raw)) {
    addToCounter(raw, raw.doc as Y.Doc, (after as number) - (before as number));
  } else if (raw instanceof Y.Map) {
    patchMap(raw, before as Plain, after as Plain);
  } else if (raw instanceof Y.Array) {
    patchArray(raw, before as unknown[], after as unknown[]);
  } else {
    patchText(raw as Y.Text, before as string, after as string);
  }
}

function patchChild(container: YType, key: string, raw: unknown, before: unknown, after: unknown): void {
  if (jsonEqual(before, after)) return;
  if (patchable(raw, before, after)) patchNode(raw as YType, before, after);
  else writeValue(container, key, after);
}

function patchMap(map: YType, before: Plain, after: Plain): void {
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key) || after[key] === undefined) (map as Y.Map<unknown>).delete(key);
  }
  for (const [key, value] of Object.entries(after)) {
    if (value !== undefined) patchChild(map, key, mapGet(map, key), before[key], value);
  }
}

function commonEnds<T>(before: ArrayLike<T>, after: ArrayLike<T>, equal: (a: T, b: T) => boolean): [number, number] {
  const min = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < min && equal(before[prefix] as T, after[prefix] as T)) prefix++;
  let suffix = 0;
  while (
    suffix < min - prefix &&
    equal(before[before.length - 1 - suffix] as T, after[after.length - 1 - suffix] as T)
  ) {
    suffix++;
  }
  return [prefix, suffix];
}

function patchArray(array: Y.Array<unknown>, before: unknown[], after: unknown[]): void {
  const [prefix, suffix] = commonEnds(before, after, jsonEqual);
  const removed = before.length - prefix - suffix;
  const added = after.length - prefix - suffix;
  if (removed === added) {
    for (let i = prefix; i < prefix + added; i++) patchChild(array, String(i), array.get(i), before[i], after[i]);
    return;
  }
  if (removed > 0) array.delete(prefix, removed);
  if (added > 0) array.insert(prefix, after.slice(prefix, prefix + added).map(toYjs));
}

function patchText(text: Y.Text, before: string, after: string): void {
  const [prefix, suffix] = commonEnds(before, after, (a, b) => a === b);
  const removed = before.length - prefix - suffix;
  if (removed > 0) text.delete(prefix, removed);
  const inserted = after.slice(prefix, after.length - suffix);
  if (inserted.length > 0) text.insert(prefix, inserted);
}

/**
 * Makes a synced document's root map deep-equal to `after` (its value now
 * being `before`) with the smallest writes `setDiffDeep` finds. Call it
 * inside a transaction; the server's HTTP API builds its updates with it.
 */
export function patchDocument(root: Y.Map<unknown>, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): void {
  patchMap(root, before as Plain, after as Plain);
}

/** `setDiffDeep(path, value)`: deep-diffs the value into place; returns the previous value. */
export function setDiffDeep(scope: WriteScope, path: string, value: unknown, callback?: WriteCallback): unknown {
  const target = parseTarget('setDiffDeep', path);
  assertJson(target, value);
  const previous = scope.store.read(target.segments);
  if (jsonEqual(previous, value)) {
    settle(scope, callback);
    return previous;
  }
  if (isDocumentTarget(target)) {
    const entry = scope.store.entry(target.collection, target.id);
    if (entry && isPlain(previous) && isPlain(value)) commit(scope, entry, () => patchMap(entry.root, previous, value), callback);
    else writeDocument(scope, target, value, callback);
  } else {
    const location = locate(scope.store, target);
    if (location.entry && patchable(location.node, previous, value)) {
      commit(scope, location.entry, () => patchNode(location.node as YType, previous, value), callback);
    } else {
      writeAt(scope, location, value, callback);
    }
  }
  return previous;
}
