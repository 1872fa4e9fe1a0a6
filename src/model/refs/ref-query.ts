/**
 * Refs made from queries, as Racer's `query.ref(path)` and
 * `query.refIds(path)` do: the query's result ids are kept, live and in
 * order, at `$queries.<n>.ids` (an engine-local path, like Racer's
 * `$queries.<hash>.ids`); `ref` makes a ref list of the collection over
 * them, `refIds` a ref to them. The copy is updated once per result change
 * (with the fewest inserts, removes and moves) and holds the query live
 * (listened to) until the ref is removed.
 */
import type { ModelStore } from '../documents/model-store.ts';
import { addRef, addRefList } from './ref-methods.ts';
import { setArrayDiff } from '../mutations/set-array-diff.ts';
import type { WriteScope } from '../mutations/write-scope.ts';

/** What refs need of a query (`Query` has it; a type of its own keeps queries and refs from importing each other). */
export interface ReffedQuery {
  readonly collection: string;
  readonly expression: unknown;
  getIds(): readonly string[];
  on(type: 'change', listener: () => void): () => void;
}

const counters = new WeakMap<ModelStore, number>();

/** Starts the live copy of a query's ids; returns its path and the function that stops it. */
function liveIds(store: ModelStore, query: ReffedQuery): { path: string; stop: () => void } {
  const n = (counters.get(store) ?? 0) + 1;
  counters.set(store, n);
  const path = `$queries.q${n}.ids`;
  const scope: WriteScope = { store, passed: Object.freeze({}), muted: false };
  const copy = (): void => {
    if (!store.closed) setArrayDiff(scope, path, [...query.getIds()], 'identity');
  };
  copy();
  const off = query.on('change', copy);
  return {
    path,
    stop: () => {
      off();
      if (!store.closed) setArrayDiff({ ...scope, muted: true }, path, [], 'identity');
    },
  };
}

function described(query: ReffedQuery): { collection: string; expression: Readonly<Record<string, unknown>> } {
  return { collection: query.collection, expression: query.expression as Readonly<Record<string, unknown>> };
}

/** `query.ref(path)`: a ref list at `path` of the query's result documents, in order. */
export function refQuery(store: ModelStore, query: ReffedQuery, path: string): void {
  const ids = liveIds(store, query);
  try {
    addRefList(store, path, query.collection, ids.path, {}, { dispose: ids.stop, query: described(query) });
  } catch (error) {
    ids.stop();
    throw error;
  }
}

/** `query.refIds(path)`: a ref at `path` to the query's result ids, in order. */
export function refQueryIds(store: ModelStore, query: ReffedQuery, path: string): void {
  const ids = liveIds(store, query);
  try {
    addRef(store, path, ids.path, {}, { dispose: ids.stop, query: described(query) });
  } catch (error) {
    ids.stop();
    throw error;
  }
}
