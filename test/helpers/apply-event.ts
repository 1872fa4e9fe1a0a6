/**
 * Test-only reference semantics of model events: applies one event to a plain
 * JSON tree shaped like `model.get()` (`{ collection: { docId: value } }`) and
 * returns a new tree; the input is left untouched. It throws when the event
 * does not fit the tree (a missing parent, an index out of range, removed
 * values that are not the ones there), so a wrong event fails the test instead
 * of being papered over.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ModelEvent } from '../../src/index.ts';

/** A plain snapshot tree as returned by `model.get()`. */
export type Tree = Record<string, Record<string, unknown>>;

const INDEX = /^(?:0|[1-9]\d*)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

function fail(event: ModelEvent, reason: string): never {
  throw new Error(`applyEvent(${event.type} at ${event.path}): ${reason}`);
}

/** Walks `segments` from `node`; throws unless every step exists. */
function walk(node: unknown, segments: readonly string[], event: ModelEvent): unknown {
  let current = node;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!INDEX.test(segment) || Number(segment) >= current.length) fail(event, `no element ${segment}`);
      current = current[Number(segment)];
    } else if (isRecord(current) && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = current[segment];
    } else {
      fail(event, `nothing at "${segment}"`);
    }
  }
  return current;
}

function asArray(node: unknown, event: ModelEvent): unknown[] {
  if (!Array.isArray(node)) fail(event, 'the target is not an array');
  return node;
}

function checkIndex(event: ModelEvent, name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) fail(event, `${name} ${value} is out of range 0-${max}`);
}

function applyDocument(tree: Tree, event: ModelEvent, collection: string, id: string): void {
  const value = event.type === 'change' || event.type === 'load' ? event.value : undefined;
  if (event.type !== 'change' && event.type !== 'load' && event.type !== 'unload') {
    fail(event, 'array events need a path inside a document');
  }
  if (value === undefined) {
    const docs = tree[collection];
    if (!docs || !(id in docs)) fail(event, 'the document is not there');
    delete docs[id];
    if (Object.keys(docs).length === 0) delete tree[collection];
    return;
  }
  tree[collection] ??= {};
  (tree[collection] as Record<string, unknown>)[id] = copy(value);
}

function applyChange(parent: unknown, key: string, value: unknown, event: ModelEvent): void {
  if (Array.isArray(parent)) {
    if (!INDEX.test(key) || Number(key) >= parent.length) fail(event, `no element ${key} to change`);
    if (value === undefined) fail(event, 'an array element cannot become undefined');
    parent[Number(key)] = copy(value);
  } else if (isRecord(parent)) {
    if (value === undefined) delete parent[key];
    else parent[key] = copy(value);
  } else {
    fail(event, 'the parent is not an object or array');
  }
}

/** Applies one model event to a snapshot tree; returns the new tree. */
export function applyEvent(tree: Readonly<Tree>, event: ModelEvent): Tree {
  const next = structuredClone(tree) as Tree;
  const [collection, id, ...rest] = event.path.split('.');
  if (collection === undefined || id === undefined) fail(event, 'the path must name a document');
  if (rest.length === 0) {
    applyDocument(next, event, collection, id);
    return next;
  }
  const doc = next[collection]?.[id];
  if (doc === undefined) fail(event, 'the document is not there');
  switch (event.type) {
    case 'change': {
      const parent = walk(doc, rest.slice(0, -1), event);
      applyChange(parent, rest[rest.length - 1] as string, event.value, event);
      break;
    }
    case 'insert': {
      const array = asArray(walk(doc, rest, event), event);
      checkIndex(event, 'index', event.index, array.length);
      array.splice(event.index, 0, ...copy([...event.values]));
      break;
    }
    case 'remove': {
      const array = asArray(walk(doc, rest, event), event);
      checkIndex(event, 'index', event.index, array.length - event.removed.length);
      const removed = array.splice(event.index, event.removed.length);
      if (!isDeepStrictEqual(removed, [...event.removed])) {
        fail(event, `removed ${JSON.stringify(event.removed)} but the array held ${JSON.stringify(removed)}`);
      }
      break;
    }
    case 'move': {
      const array = asArray(walk(doc, rest, event), event);
      checkIndex(event, 'from', event.from, array.length - event.howMany);
      checkIndex(event, 'to', event.to, array.length - event.howMany);
      const moved = array.splice(event.from, event.howMany);
      array.splice(event.to, 0, ...moved);
      break;
    }
    default:
      fail(event, 'load and unload happen at a document path');
  }
  return next;
}

/** Applies events in order. */
export function applyEvents(tree: Readonly<Tree>, events: readonly ModelEvent[]): Tree {
  return events.reduce<Tree>((acc, event) => applyEvent(acc, event), structuredClone(tree) as Tree);
}
