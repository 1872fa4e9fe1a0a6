/**
 * Mutations that write or delete one value: `set`, `del`, `setNull`,
 * `setDiff`, `setEach`. Each validates everything before touching Yjs, so bad
 * input throws and leaves the model unchanged.
 */
import { hasLiveKey } from '../documents/doc-entry.ts';
import { jsonEqual } from '../paths/json-value.ts';
import { assertJson, isDocumentTarget, locate, materialize, parseTarget, writeValue, type Location, type Target } from '../paths/locate.ts';
import { modelError } from '../model-error.ts';
import { toYjs } from './to-yjs.ts';
import { commit, settle, type WriteCallback, type WriteScope } from './write-scope.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Replaces a synced document's fields (undefined deletes the document). */
export function writeDocument(scope: WriteScope, target: Target, value: unknown, callback?: WriteCallback): void {
  if (value !== undefined && !isPlainObject(value)) {
    throw modelError('type', target.method, target.path, 'a document must be an object');
  }
  const existing = scope.store.entry(target.collection, target.id);
  if (value === undefined && (!existing || !hasLiveKey(existing.root))) {
    settle(scope, callback);
    return;
  }
  const entry = existing ?? scope.store.ensureEntry(target.collection, target.id);
  commit(scope, entry, () => {
    for (const [key, item] of entry.root._map) {
      if (!item.deleted && (value === undefined || !Object.hasOwn(value, key) || value[key] === undefined)) {
        entry.root.delete(key);
      }
    }
    if (value === undefined) return;
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) entry.root.set(key, toYjs(child));
    }
  }, callback);
}

/** Writes at a located target (creating missing containers on the way). */
export function writeAt(scope: WriteScope, location: Location, value: unknown, callback?: WriteCallback): void {
  const { target } = location;
  if (value === undefined && location.node === undefined) {
    settle(scope, callback);
    return;
  }
  const entry = location.entry ?? scope.store.ensureEntry(target.collection, target.id);
  commit(scope, entry, () => writeValue(materialize(entry, location.ySegments), location.key, value), callback);
}

/** `set(path, value)`: writes the value and returns the previous one. */
export function setValue(scope: WriteScope, path: string, value: unknown, callback?: WriteCallback, method = 'set'): unknown {
  const target = parseTarget(method, path);
  assertJson(target, value);
  const previous = scope.store.read(target.segments);
  if (isDocumentTarget(target)) writeDocument(scope, target, value, callback);
  else writeAt(scope, locate(scope.store, target), value, callback);
  return previous;
}

/** `del(path)`: deletes the value (an array element is removed) and returns it. */
export function delValue(scope: WriteScope, path: string, callback?: WriteCallback): unknown {
  const target = parseTarget('del', path);
  const previous = scope.store.read(target.segments);
  if (previous === undefined && !isDocumentTarget(target)) {
    // Nothing there (under a missing object or array, or past an array's end): a no-op, as in Racer.
    // Something other than an object or array in the way is still an error.
    try {
      locate(scope.store, target);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
    settle(scope, callback);
    return undefined;
  }
  if (isDocumentTarget(target)) writeDocument(scope, target, undefined, callback);
  else writeAt(scope, locate(scope.store, target), undefined, callback);
  return previous;
}

/** `setNull(path, value)`: sets only when the current value is null or undefined; returns the value now there. */
export function setNull(scope: WriteScope, path: string, value: unknown, callback?: WriteCallback): unknown {
  const target = parseTarget('setNull', path);
  assertJson(target, value);
  const current = scope.store.read(target.segments);
  if (current !== null && current !== undefined) {
    settle(scope, callback);
    return current;
  }
  setValue(scope, path, value, callback, 'setNull');
  return scope.store.read(target.segments);
}

/** `setDiff(path, value)`: sets only when the value is not deep-equal to the current one; returns the previous value. */
export function setDiff(scope: WriteScope, path: string, value: unknown, callback?: WriteCallback): unknown {
  const target = parseTarget('setDiff', path);
  assertJson(target, value);
  const current = scope.store.read(target.segments);
  if (jsonEqual(current, value)) {
    settle(scope, callback);
    return current;
  }
  return setValue(scope, path, value, callback, 'setDiff');
}

/** `setEach(path, object)`: sets every key of the object below the path, in one transaction. */
export function setEach(scope: WriteScope, path: string, object: unknown, callback?: WriteCallback): void {
  const target = parseTarget('setEach', path);
  if (!isPlainObject(object)) throw modelError('type', 'setEach', path, 'setEach needs a plain object of values');
  assertJson(target, object, 'object');
  const locations = Object.entries(object)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ location: locate(scope.store, parseTarget('setEach', `${path}.${key}`)), value }));
  if (locations.length === 0) {
    settle(scope, callback);
    return;
  }
  const entry = scope.store.ensureEntry(target.collection, target.id);
  commit(
    scope,
    entry,
    () => {
      for (const { location, value } of locations) writeValue(materialize(entry, location.ySegments), location.key, value);
    },
    callback,
  );
}
