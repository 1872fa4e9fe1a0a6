/**
 * Finds where a mutation writes: parses and checks the path, walks the
 * document's Yjs tree to the parent of the target, and explains what is in the
 * way when the walk is blocked (a string where an object is needed, an index
 * past the end of an array). Missing objects and arrays on the way are allowed;
 * `materialize` creates them inside the write's transaction.
 */
import * as Y from 'yjs';
import type { DocEntry } from '../documents/doc-entry.ts';
import { findJsonProblem, keyProblem } from './json-value.ts';
import { modelError } from '../model-error.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { isIndexSegment, isLocalCollection, pathProblem, splitPath } from './path.ts';
import { stableReplace } from '../mutations/stable-replace.ts';
import { toYjs } from '../mutations/to-yjs.ts';
import { describeNode, isCounter, mapGet, type YType } from './y-node.ts';

/** A checked mutation target. */
export interface Target {
  readonly method: string;
  readonly path: string;
  readonly collection: string;
  readonly id: string;
  /** Segments below the document. */
  readonly rest: readonly string[];
  /** Every segment of the path. */
  readonly segments: readonly string[];
}

/** Where a target sits in its document. */
export interface Location {
  readonly target: Target;
  readonly entry: DocEntry | undefined;
  /** Yjs keys from the document's root map to the target. */
  readonly ySegments: readonly string[];
  /** The existing container of the target, or null when a container on the way is missing. */
  readonly parent: YType | null;
  /** The last Yjs key (an index string when the parent is an array). */
  readonly key: string;
  /** The raw value at the target (a Yjs type or a primitive), undefined when missing. */
  readonly node: unknown;
}

/** Parses a mutation path; it must name a document or something inside one. */
export function parseTarget(method: string, path: string): Target {
  const segments = splitPath(path);
  const problem = pathProblem(segments);
  if (problem) throw modelError('error', method, path, `invalid path: ${problem}`);
  const [collection, id, ...rest] = segments;
  if (collection === undefined || id === undefined) {
    throw modelError('error', method, path, 'the path must name a document (collection.docId) or a field inside one');
  }
  for (const segment of rest) {
    const bad = keyProblem(segment);
    if (bad) throw modelError('type', method, path, `invalid path: ${bad}`);
  }
  return { method, path, collection, id, rest, segments };
}

/** Throws unless the value is JSON (undefined allowed where it means "delete"). */
export function assertJson(target: { method: string; path: string; segments?: readonly string[] }, value: unknown, what = 'value'): void {
  // A field of the document is at level 1 (the path's segments after collection and id).
  const segments = target.segments ?? splitPath(target.path);
  const problem = findJsonProblem(value, Math.max(0, segments.length - 2));
  if (problem) {
    const at = problem.at === '' ? what : `${what}.${problem.at}`;
    throw modelError('type', target.method, target.path, `${at}: ${problem.reason}`);
  }
}

/** Model path of the first `count` Yjs segments (for messages). */
function shownPath(target: Target, entryIsLocal: boolean, count: number): string {
  const restCount = entryIsLocal ? count - 1 : count;
  return [target.collection, target.id, ...target.rest.slice(0, Math.max(0, restCount))].join('.');
}

/** Walks to the target's parent; throws when something other than an object or array is in the way. */
export function locate(store: ModelStore, target: Target): Location {
  const entry = store.entry(target.collection, target.id);
  const local = isLocalCollection(target.collection);
  const ySegments = local ? ['v', ...target.rest] : [...target.rest];
  let container: YType | null = entry ? entry.root : null;
  let impliedArray = false;
  for (let i = 0; i < ySegments.length; i++) {
    const segment = ySegments[i] as string;
    const last = i === ySegments.length - 1;
    if (container === null) {
      // Inside an implied (not yet created) container: only an empty array's index 0 or any key fits.
      if (impliedArray && segment !== '0') {
        throw modelError('range', target.method, target.path, `index ${segment} is past the end of ${shownPath(target, local, i)} (length 0)`);
      }
      impliedArray = isIndexSegment(ySegments[i + 1] ?? '');
      continue;
    }
    if (container instanceof Y.Array) {
      if (!isIndexSegment(segment)) {
        throw modelError('type', target.method, target.path, `${shownPath(target, local, i)} is an array; "${segment}" is not an index`);
      }
      if (Number(segment) > container.length) {
        throw modelError('range', target.method, target.path, `index ${segment} is past the end of ${shownPath(target, local, i)} (length ${container.length})`);
      }
    }
    if (last) return { target, entry, ySegments, parent: container, key: segment, node: childOf(container, segment) };
    const next = childOf(container, segment);
    if (next === undefined) {
      container = null;
      impliedArray = isIndexSegment(ySegments[i + 1] ?? '');
    } else if ((next instanceof Y.Map && !isCounter(next)) || next instanceof Y.Array) {
      container = next;
    } else {
      throw modelError('type', target.method, target.path, `${shownPath(target, local, i + 1)} is ${describeNode(next)}, not an object or array`);
    }
  }
  return { target, entry, ySegments, parent: null, key: ySegments[ySegments.length - 1] ?? '', node: undefined };
}

/** True when the target is a whole synced document (its fields live in the root map). */
export function isDocumentTarget(target: Target): boolean {
  return target.rest.length === 0 && !isLocalCollection(target.collection);
}

/**
 * Parses and locates a path inside a document for a method that works on one
 * kind of value (`an array`, `a string`, `a number`); a whole synced document
 * is an object, so it is rejected with a message saying so.
 */
export function locateField(store: ModelStore, method: string, path: string, kind: string): Location {
  const target = parseTarget(method, path);
  if (isDocumentTarget(target)) {
    throw modelError('type', method, path, `a document is an object, not ${kind}`);
  }
  return locate(store, target);
}

/** The raw child of an object or array container. */
export function childOf(container: YType, segment: string): unknown {
  if (container instanceof Y.Array) return isIndexSegment(segment) ? container.get(Number(segment)) : undefined;
  return mapGet(container, segment);
}

/** Creates missing containers on the way (inside a transaction) and returns the target's parent. */
export function materialize(entry: DocEntry, ySegments: readonly string[]): YType {
  let container: YType = entry.root;
  for (let i = 0; i < ySegments.length - 1; i++) {
    const segment = ySegments[i] as string;
    let next = childOf(container, segment);
    if (!((next instanceof Y.Map && !isCounter(next)) || next instanceof Y.Array)) {
      const wantArray = isIndexSegment(ySegments[i + 1] as string);
      const make = (): YType => (wantArray ? new Y.Array<unknown>() : new Y.Map<unknown>());
      if (container instanceof Y.Array) {
        next = make();
        container.insert(Number(segment), [next]);
      } else {
        next = stableReplace(container, segment, wantArray ? 'array' : 'map', undefined, make);
      }
    }
    container = next as YType;
  }
  return container;
}

/** Writes a JSON value (undefined deletes) at `key` of a container, inside a transaction. */
export function writeValue(container: YType, key: string, value: unknown): void {
  if (container instanceof Y.Array) {
    const index = Number(key);
    if (index < container.length) container.delete(index, 1);
    if (value !== undefined) container.insert(index, [toYjs(value)]);
  } else if (value === undefined) {
    (container as Y.Map<unknown>).delete(key);
  } else {
    (container as Y.Map<unknown>).set(key, toYjs(value));
  }
}
