/**
 * Creating and removing refs and ref lists on a store: checks the paths,
 * refuses cycles, and announces the value now seen at the ref's path with a
 * `change` event there (so bindings of the path read again).
 */
import { modelError } from '../model-error.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { pathProblem, splitPath } from '../paths/path.ts';
import { installRefEvents } from './ref-events.ts';
import { ensureRegistry, registryOf, type AnyRef, type RefQuery } from './ref-registry.ts';
import { readThrough, resolveSegments } from './ref-resolve.ts';

/** Options of `model.ref()`. */
export interface RefOptions {
  /** Follow an array item when items are inserted, removed or moved before it (the ref's target ends in an index). */
  readonly updateIndices?: boolean;
}

/** Options of `model.refList()`. */
export interface RefListOptions {
  /** Delete an item's document when its id is removed through the list. */
  readonly deleteRemoved?: boolean;
}

/** What else a ref made by a query keeps. */
export interface RefExtras {
  readonly dispose?: () => void;
  readonly query?: RefQuery;
}

const EMPTY_PASSED = Object.freeze({});

function checkedSegments(method: string, path: string, what: string, minimum: number): string[] {
  const segments = splitPath(path);
  const problem = pathProblem(segments);
  if (problem) throw modelError('error', method, path, `invalid ${what}: ${problem}`);
  if (segments.length < minimum) {
    throw modelError('error', method, path, `the ${what} must name a collection and a document id at least (${path === '' ? 'the root' : path} is too short)`);
  }
  return segments;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/** Adds an entry, refusing one whose targets lead back to its own path; emits a `change` at its path. */
function install(store: ModelStore, method: string, entry: AnyRef, targets: ReadonlyArray<readonly string[]>): void {
  const from = entry.from.join('.');
  const registry = ensureRegistry(store);
  const before = readThrough(store, entry.from);
  const replaced = registry.add(entry);
  try {
    for (const target of targets) {
      if (startsWith(target, entry.from)) throw modelError('error', method, from, `${target.join('.')} is ${from} itself or below it: a ref onto itself`);
      const resolved = resolveSegments(store, target);
      if (resolved.kind === 'path' && startsWith(resolved.segments, entry.from)) {
        throw modelError('error', method, from, `${target.join('.')} leads back to ${from} through refs (a cycle)`);
      }
    }
  } catch (error) {
    registry.remove(entry.from);
    if (replaced) registry.add(replaced);
    throw error instanceof Error && error.message.includes('form a cycle')
      ? modelError('error', method, from, `${targets.map((t) => t.join('.')).join(', ')} leads back to ${from} through refs (a cycle)`)
      : error;
  }
  replaced?.dispose?.();
  installRefEvents(store);
  announce(store, entry.from, before);
}

/** Emits a `change` at a ref's path when the value seen there changed. */
function announce(store: ModelStore, from: readonly string[], before: unknown): void {
  const value = readThrough(store, from);
  if (Object.is(value, before)) return;
  store.bus.enqueue({ type: 'change', path: from.join('.'), value, previous: before, passed: EMPTY_PASSED, remote: false }, from);
  store.bus.flush();
}

/** `ref(from, to, options)`: makes `from` an alias of `to`. */
export function addRef(store: ModelStore, from: string, to: string, options: RefOptions = {}, extras: RefExtras = {}): void {
  const fromSegments = checkedSegments('ref', from, 'path', 2);
  const toSegments = checkedSegments('ref', to, 'target', 1);
  install(store, 'ref', { kind: 'ref', from: fromSegments, to: toSegments, updateIndices: options.updateIndices === true, ...extras }, [toSegments]);
}

/** `refList(from, to, ids, options)`: makes `from` the list of the items at `to.<id>` for the ids at `ids`. */
export function addRefList(store: ModelStore, from: string, to: string, ids: string, options: RefListOptions = {}, extras: RefExtras = {}): void {
  const fromSegments = checkedSegments('refList', from, 'path', 2);
  const toSegments = checkedSegments('refList', to, 'collection path', 1);
  const idsSegments = checkedSegments('refList', ids, 'ids path', 2);
  const entry: AnyRef = { kind: 'list', from: fromSegments, to: toSegments, ids: idsSegments, deleteRemoved: options.deleteRemoved === true, ...extras, cache: null, index: null };
  install(store, 'refList', entry, [toSegments, idsSegments]);
}

/** Removes the ref or ref list at exactly `path`; returns true when there was one. */
export function removeRef(store: ModelStore, path: string): boolean {
  const segments = splitPath(path);
  const registry = registryOf(store);
  if (!registry?.at(segments)) return false;
  const before = readThrough(store, segments);
  registry.remove(segments)?.dispose?.();
  announce(store, segments, before);
  return true;
}

/** Removes every ref and ref list at or below `path` (every one for the root); returns how many. */
export function removeAllRefs(store: ModelStore, path: string): number {
  const registry = registryOf(store);
  if (!registry) return 0;
  const segments = splitPath(path);
  const gone = registry.entries().filter((entry) => startsWith(entry.from, segments));
  const before = gone.map((entry) => readThrough(store, entry.from));
  for (const entry of registry.removeAll(segments)) entry.dispose?.();
  gone.forEach((entry, i) => announce(store, entry.from, before[i]));
  return gone.length;
}

/** The path a path really names once every ref (and ref list item) on the way is followed. */
export function dereference(store: ModelStore, path: string): string {
  const resolved = resolveSegments(store, splitPath(path));
  if (resolved.kind === 'path') return resolved.segments.join('.');
  if (resolved.kind === 'list') return resolved.list.from.join('.');
  throw modelError('range', 'dereference', path, resolved.reason);
}
