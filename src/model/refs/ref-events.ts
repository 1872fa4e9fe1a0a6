/**
 * Events through refs: a change at a ref's target (or below it, or above it)
 * is emitted again at the ref's path; a change of a ref list's ids or of one
 * of its items is emitted at the list's path. The event bus calls
 * `refEvents` for every event it delivers and delivers what it returns right
 * after, so events derived from derived events (refs to refs) follow too.
 * Only the entries whose paths are the event's path, above it or below it
 * are visited (`RefRegistry.related`), in the order they were added.
 * `updateIndices` refs are moved here, before their events are derived.
 */
import type { Queued } from '../events/event-bus.ts';
import type { ModelEvent } from '../events/model-event.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { isIndexSegment } from '../paths/path.ts';
import { registryOf, type RefEntry, type RefListEntry } from './ref-registry.ts';
import { indicesById, listValue, readThrough } from './ref-resolve.ts';

const NONE: readonly Queued[] = [];

/** Installs the expansion of events through refs on the store's bus (once). */
export function installRefEvents(store: ModelStore): void {
  store.bus.expand ??= (event, segments) => refEvents(store, event, segments);
}

/** The events a delivered event causes at the paths of refs and ref lists. */
export function refEvents(store: ModelStore, event: ModelEvent, segments: readonly string[]): readonly Queued[] {
  const registry = registryOf(store);
  if (registry === undefined || registry.size === 0) return NONE;
  const entries = registry.related(segments);
  if (entries.length === 0) return NONE;
  const out: Queued[] = [];
  if (event.type === 'insert' || event.type === 'remove' || event.type === 'move') {
    for (const entry of entries) {
      if (entry.kind !== 'ref' || !entry.updateIndices) continue;
      const to = patchIndex(entry, event, segments);
      if (to !== null) registry.retarget(entry, to);
    }
  }
  for (const entry of entries) {
    if (entry.kind === 'ref') refAlias(store, entry, event, segments, out);
    else listAlias(store, entry, event, segments, out);
  }
  return out;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}

function dig(value: unknown, rest: readonly string[]): unknown {
  let node = value;
  for (const segment of rest) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** The same event at another path (a load or unload at the aliased path itself becomes a change there). */
function moved(event: ModelEvent, segments: readonly string[], asChange: boolean): Queued {
  const path = segments.join('.');
  if (asChange && event.type === 'load') return change(segments, event.value, undefined, event);
  if (asChange && event.type === 'unload') return change(segments, undefined, event.previous, event);
  return { event: { ...event, path }, segments };
}

function change(segments: readonly string[], value: unknown, previous: unknown, source: ModelEvent): Queued {
  return { event: { type: 'change', path: segments.join('.'), value, previous, passed: source.passed, remote: source.remote }, segments };
}

/** The value an event above `rest` had there before it (`before`) and has now (`after`, read from the store). */
function valuesBelow(store: ModelStore, event: ModelEvent, at: readonly string[], rest: readonly string[]): [unknown, unknown] {
  const whole = [...at, ...rest];
  switch (event.type) {
    case 'change':
      return [dig(event.value, rest), dig(event.previous, rest)];
    case 'load':
      return [dig(event.value, rest), undefined];
    case 'unload':
      return [undefined, dig(event.previous, rest)];
    default:
      return [readThrough(store, whole), previousBelowArrayEvent(store, event, at, rest)];
  }
}

/** What was at `at.<k>.rest` before an insert or remove at `at` (undefined for a move). */
function previousBelowArrayEvent(store: ModelStore, event: ModelEvent, at: readonly string[], rest: readonly string[]): unknown {
  const [first, ...deeper] = rest;
  if (first === undefined || !isIndexSegment(first)) return undefined;
  const k = Number(first);
  const now = store.read(at);
  if (!Array.isArray(now)) return undefined;
  if (event.type === 'insert') {
    if (k < event.index) return dig(now[k], deeper);
    return dig(now[k + event.values.length], deeper);
  }
  if (event.type === 'remove') {
    if (k < event.index) return dig(now[k], deeper);
    if (k < event.index + event.removed.length) return dig(event.removed[k - event.index], deeper);
    return dig(now[k - event.removed.length], deeper);
  }
  return undefined;
}

function refAlias(store: ModelStore, ref: RefEntry, event: ModelEvent, segments: readonly string[], out: Queued[]): void {
  const to = ref.to;
  if (startsWith(segments, to)) {
    const rest = segments.slice(to.length);
    const alias = moved(event, [...ref.from, ...rest], rest.length === 0);
    if (rest.length > 0 || alias.event.type !== 'change' || fresh(ref, alias.event.value, alias.event.previous)) out.push(alias);
  } else if (startsWith(to, segments)) {
    const [value, previous] = valuesBelow(store, event, segments, to.slice(segments.length));
    if (!Object.is(value, previous) && fresh(ref, value, previous)) out.push(change(ref.from, value, previous, event));
  }
}

/**
 * False when the ref just emitted this very change at its path: a document
 * created or deleted is reported at its path and at each field, and a ref
 * to a field hears both.
 */
function fresh(ref: RefEntry, value: unknown, previous: unknown): boolean {
  const last = ref.last;
  ref.last = { value, previous };
  return !(last !== undefined && Object.is(last.value, value) && Object.is(last.previous, previous));
}

function listAlias(store: ModelStore, list: RefListEntry, event: ModelEvent, segments: readonly string[], out: Queued[]): void {
  const item = (id: unknown): unknown => (typeof id === 'string' ? readThrough(store, [...list.to, id]) : undefined);
  if (segments.length === list.ids.length && startsWith(segments, list.ids)) {
    const base = { path: list.from.join('.'), passed: event.passed, remote: event.remote };
    if (event.type === 'insert') {
      out.push({ event: { ...base, type: 'insert', index: event.index, values: event.values.map(item) }, segments: list.from });
    } else if (event.type === 'remove') {
      out.push({ event: { ...base, type: 'remove', index: event.index, removed: event.removed.map(item) }, segments: list.from });
    } else if (event.type === 'move') {
      out.push({ event: { ...base, type: 'move', from: event.from, to: event.to, howMany: event.howMany }, segments: list.from });
    } else if (event.type === 'change' && !isFilled(event.previous) && isFilled(event.value)) {
      // The ids array created by an insert (or set where there was none): the list's items are inserted.
      const values = (event.value as unknown[]).map(item);
      out.push({ event: { ...base, type: 'insert', index: 0, values }, segments: list.from });
    } else {
      wholeList(store, list, event, out);
      return;
    }
    listValue(store, list);
  } else if (segments.length === list.ids.length + 1 && startsWith(segments, list.ids) && event.type === 'change') {
    const at = [...list.from, segments[segments.length - 1] as string];
    out.push(change(at, item(event.value), item(event.previous), event));
    listValue(store, list);
  } else if (startsWith(list.ids, segments) || startsWith(list.to, segments)) {
    wholeList(store, list, event, out);
  } else if (startsWith(segments, list.to)) {
    const id = segments[list.to.length] as string;
    const rest = segments.slice(list.to.length + 1);
    for (const index of indicesById(store, list).get(id) ?? []) {
      out.push(moved(event, [...list.from, String(index), ...rest], rest.length === 0));
    }
  }
}

function isFilled(ids: unknown): boolean {
  return Array.isArray(ids) && ids.length > 0;
}

/** A change of the whole list (its ids replaced, or something above them): one `change` at its path when it differs. */
function wholeList(store: ModelStore, list: RefListEntry, event: ModelEvent, out: Queued[]): void {
  const previous = list.cache?.items;
  const value = listValue(store, list);
  if (!Object.is(value, previous)) out.push(change(list.from, value, previous, event));
}

/** Where an `updateIndices` ref to an array item moves along with it (Racer's rules); null when it stays. */
function patchIndex(ref: RefEntry, event: ModelEvent, segments: readonly string[]): readonly string[] | null {
  if (ref.to.length <= segments.length || !startsWith(ref.to, segments)) return null;
  const segment = ref.to[segments.length] as string;
  if (!isIndexSegment(segment)) return null;
  let index = Number(segment);
  if (event.type === 'insert') {
    if (event.index <= index) index += event.values.length;
  } else if (event.type === 'remove') {
    const howMany = event.removed.length;
    if (event.index + howMany <= index) index -= howMany;
    else if (event.index <= index) return null; // the item itself was removed: the ref stays where it was
  } else if (event.type === 'move') {
    const { from, to, howMany } = event;
    if (from <= index && index < from + howMany) index += to - from;
    else {
      if (from <= index) index -= howMany;
      if (to <= index) index += howMany;
    }
  }
  if (String(index) === segment) return null;
  const next = [...ref.to];
  next[segments.length] = String(index);
  return next;
}
