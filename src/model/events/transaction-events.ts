/**
 * Derives model events from one Yjs transaction on one document, and brings
 * the snapshot cache up to date.
 *
 * It runs when Yjs is about to call observers (`beforeObserverCalls`), while
 * deleted content is still readable. Previous values are read first (from the
 * cache, which still holds the state before the transaction, or by walking the
 * items that were alive before it); then the changed types are invalidated and
 * the new values are read. Events are ordered shallow first and use final
 * indices, so applying them in order to the old snapshot gives the new one.
 *
 * Every change is reported at the path it happened (a `set` of
 * `todos.a.done` at `todos.a.done`), the same for a remote change. A synced
 * document that starts or stops existing is also reported with a `change`
 * at the document path: before the changes at the paths written when it
 * starts, after them when it ends (so events replayed in order onto the old
 * snapshot still give the new one).
 */
import * as Y from 'yjs';
import { arrayChanges, touchedItems, type ArrayOp, type TouchedItems } from './array-changes.ts';
import { hasLiveKey, type DocEntry } from '../documents/doc-entry.ts';
import { jsonEqual } from '../paths/json-value.ts';
import type { ModelEvent, Passed } from './model-event.ts';
import type { SnapshotCache } from '../paths/snapshot-cache.ts';
import { isCounter, mapGet, mapItemBefore, mapItemValue, segmentsTo, type YType } from '../paths/y-node.ts';

/** How to report the events of a transaction. */
export interface EventContext {
  readonly passed: Passed;
  readonly remote: boolean;
  /** False to only refresh the cache (silent writes, loads). */
  readonly emit: boolean;
}

interface Changed {
  readonly type: YType;
  readonly keys: Set<string | null>;
  readonly segments: string[];
}

type Pending =
  | { kind: 'key'; changed: Changed; key: string; before: Y.Item | null; previous: unknown }
  | { kind: 'self'; changed: Changed; previous: unknown }
  | { kind: 'array'; changed: Changed; ops: ArrayOp[] };


function existedBefore(entry: DocEntry, tr: Y.Transaction, cache: SnapshotCache): boolean {
  if (cache.has(entry.root)) return Object.keys(cache.before(entry.root, tr) as object).length > 0;
  for (const key of entry.root._map.keys()) if (mapItemBefore(entry.root, key, tr) !== null) return true;
  return false;
}

/** An event and its path already split into segments. */
export interface Emitted {
  readonly event: ModelEvent;
  readonly segments: readonly string[];
}

/** Result of processing a transaction. */
export interface TransactionResult {
  /** True when the document's value changed (callers drop collection-level caches). */
  readonly changed: boolean;
  /** The events, in delivery order. */
  readonly events: Emitted[];
}

const NOTHING: TransactionResult = { changed: false, events: [] };

/** Processes one transaction: refreshes caches and returns the events it caused. */
export function transactionEvents(
  entry: DocEntry,
  tr: Y.Transaction,
  cache: SnapshotCache,
  context: EventContext,
): TransactionResult {
  const changed: Changed[] = [];
  for (const [type, keys] of tr.changed) {
    const segments = segmentsTo(type, entry.root);
    if (segments !== null) changed.push({ type, keys, segments });
  }
  if (changed.length === 0) return NOTHING;
  if (!context.emit) {
    for (const c of changed) cache.invalidate(c.type);
    return { changed: true, events: [] };
  }
  const { passed, remote } = context;
  // A synced document that starts or stops existing is also reported at its path: first when it starts, last when it ends.
  let existence: { readonly previous: unknown; readonly created: boolean } | null = null;
  if (!entry.local && tr.changed.has(entry.root as YType)) {
    const before = existedBefore(entry, tr, cache);
    if (before !== hasLiveKey(entry.root)) existence = { previous: before ? cache.before(entry.root, tr) : undefined, created: !before };
  }
  // Canonical order (depth, then path, then key) so a local write and the same
  // write arriving from a peer list their events identically.
  changed.sort((a, b) => a.segments.length - b.segments.length || compareSegments(a.segments, b.segments));
  let touched: TouchedItems | null = null;
  const pending: Pending[] = [];
  for (const c of changed) {
    const type = c.type;
    if (type instanceof Y.Map && !isCounter(type)) {
      for (const key of [...c.keys].sort()) {
        if (key === null) continue;
        const item = mapItemBefore(type, key, tr);
        const previous = item === null ? undefined : cache.valueBefore(mapItemValue(item), tr);
        pending.push({ kind: 'key', changed: c, key, before: item, previous });
      }
    } else if (type instanceof Y.Array) {
      touched ??= touchedItems(tr);
      pending.push({ kind: 'array', changed: c, ops: arrayChanges(type, touched.get(type) ?? [], tr, cache) });
    } else {
      pending.push({ kind: 'self', changed: c, previous: cache.before(type, tr) });
    }
  }
  for (const c of changed) cache.invalidate(c.type);
  const events: Emitted[] = [];
  const existenceEvent = (): Emitted => ({
    event: { type: 'change', path: entry.path, value: existence?.created ? cache.read(entry.root) : undefined, previous: existence?.previous, passed, remote },
    segments: [entry.collection, entry.id],
  });
  if (existence?.created) events.push(existenceEvent());
  for (const p of pending) {
    const segments = p.kind === 'key' ? [...p.changed.segments, p.key] : p.changed.segments;
    const modelSegments = entry.modelSegments(segments);
    if (modelSegments === null) continue;
    const path = modelSegments.join('.');
    if (p.kind === 'key') {
      const now = p.changed.type._map.get(p.key);
      // A concurrent write that lost (integrated and deleted at once) leaves the same item in place.
      if (p.before !== null && now === p.before && !now.deleted) continue;
      const raw = mapGet(p.changed.type, p.key);
      const value = cache.value(raw);
      if (value === undefined && p.previous === undefined) continue;
      events.push({ event: { type: 'change', path, value, previous: p.previous, passed, remote }, segments: modelSegments });
      if (p.previous === undefined) pushCreatedChain(events, raw, modelSegments, tr, cache, passed, remote);
    } else if (p.kind === 'self') {
      const value = cache.read(p.changed.type);
      // Formatting applied by a rich-text editor changes no value.
      if (value === p.previous) continue;
      events.push({ event: { type: 'change', path, value, previous: p.previous, passed, remote }, segments: modelSegments });
    } else {
      for (const event of arrayEvents(path, p.ops, cache, passed, remote)) {
        events.push({ event, segments: event.path === path ? modelSegments : [...modelSegments, event.path.slice(path.length + 1)] });
      }
    }
  }
  if (existence && !existence.created) events.push(existenceEvent());
  return { changed: true, events };
}

/**
 * A write under missing objects (`set('todos.a.x.y', 1)` without `x`)
 * creates a chain of one-key maps; Yjs reports it at the top of the chain
 * only. Each link made in this transaction is reported as well, down to the
 * value written, so a listener at the path written hears it (`todos.*.x.y`),
 * locally and remotely alike. An object set with several keys is not
 * expanded: it was written where it is reported.
 */
function pushCreatedChain(events: Emitted[], raw: unknown, segments: readonly string[], tr: Y.Transaction, cache: SnapshotCache, passed: Passed, remote: boolean): void {
  let node = raw;
  let at = segments;
  for (let depth = 0; depth < 64 && node instanceof Y.Map && !isCounter(node as YType) && createdIn(node as YType, tr); depth++) {
    let only: string | null = null;
    for (const [key, item] of (node as YType)._map) {
      if (item.deleted) continue;
      if (only !== null) return;
      only = key;
    }
    if (only === null) return;
    node = mapGet(node as YType, only);
    at = [...at, only];
    events.push({ event: { type: 'change', path: at.join('.'), value: cache.value(node), previous: undefined, passed, remote }, segments: at });
  }
}

/** True when the type was made in this transaction (it did not exist before it). */
function createdIn(type: YType, tr: Y.Transaction): boolean {
  const item = type._item;
  return item !== null && item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}

function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function arrayEvents(path: string, ops: ArrayOp[], cache: SnapshotCache, passed: Passed, remote: boolean): ModelEvent[] {
  const events: ModelEvent[] = ops.map((op) =>
    op.kind === 'insert'
      ? {
          type: 'insert' as const,
          path,
          index: op.index,
          values: op.items.flatMap((item) => item.content.getContent().map((raw) => cache.value(raw))),
          passed,
          remote,
        }
      : { type: 'remove' as const, path, index: op.index, removed: op.values, passed, remote },
  );
  const [first, second] = events;
  if (events.length === 2 && first && second && first.type !== second.type) {
    const ins = first.type === 'insert' ? first : second.type === 'insert' ? second : null;
    const rem = first.type === 'remove' ? first : second.type === 'remove' ? second : null;
    if (ins && rem && ins.values.length === rem.removed.length && jsonEqual(ins.values, rem.removed)) {
      const howMany = ins.values.length;
      const from = first === rem ? rem.index : rem.index - howMany;
      if (from !== ins.index) return [{ type: 'move', path, from, to: ins.index, howMany, passed, remote }];
    }
    if (ins && rem && ins.values.length === rem.removed.length) {
      const at = first === rem ? rem.index : rem.index - ins.values.length;
      if (at === ins.index) {
        // Elements replaced in place (set of an element, first increment or string edit of one): changes.
        return ins.values.map((value, i) => ({
          type: 'change' as const,
          path: `${path}.${at + i}`,
          value,
          previous: rem.removed[i],
          passed,
          remote,
        }));
      }
    }
  }
  return events;
}
