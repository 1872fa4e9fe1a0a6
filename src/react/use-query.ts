/**
 * `useQuery(collection, query)` and `useQueryIds(collection, query)`: the
 * documents of a collection that match a Mongo-style query.
 */
import { use, useCallback, useMemo, useSyncExternalStore } from 'react';
import { queryProblem, type Query } from '../model/evaluate-query.ts';
import type { Model } from '../model/model.ts';
import { QueryReader, type QuerySnapshot } from './query-snapshot.ts';
import { listen, useProvidedModel } from './sync-context.ts';
import { whenCollectionLoaded } from './when-loaded.ts';

/** Options of `useQuery`. */
export interface UseQueryOptions {
  /** Suspend until every document of the collection the model holds is loaded. Default false. */
  readonly suspense?: boolean;
}

/** The third element of `useQuery`'s result. */
export interface QueryInfo {
  /** `local`: evaluated over the documents this model holds (live server queries come later). */
  readonly status: 'local' | 'complete';
  /** Ids of the matching documents, in order (empty for a `$count` query). */
  readonly ids: readonly string[];
}

/** Reads a query's result (or a part of it picked by `select`, which must keep identities) and re-renders when it changes. */
function useQueryResult<T, R>(
  hook: string,
  collection: string,
  query: Query,
  suspense: boolean,
  select: (snapshot: QuerySnapshot<T>) => R,
): [Model, R] {
  const model = useProvidedModel(hook);
  // The key stands for the query: a new object with the same content is the same query.
  const key = JSON.stringify(query);
  const reader = useMemo(() => {
    const problem = queryProblem(query);
    if (problem) throw new TypeError(`yracer ${hook}('${collection}'): ${problem}`);
    return new QueryReader<T>(model, collection, query);
  }, [model, collection, key]);
  const subscribe = useCallback((onChange: () => void) => listen(model, collection, onChange), [model, collection]);
  const read = (): R => select(reader.read());
  const result = useSyncExternalStore(subscribe, read, read);
  if (suspense && !model.isLoaded(collection)) use(whenCollectionLoaded(model, collection));
  return [model, result];
}

const whole = <T>(snapshot: QuerySnapshot<T>): QuerySnapshot<T> => snapshot;
const idsOf = (snapshot: QuerySnapshot<unknown>): readonly string[] => snapshot.ids;
const countOf = (snapshot: QuerySnapshot<unknown>): number => snapshot.count;
const NO_IDS: readonly string[] = Object.freeze([]);

/**
 * The documents of `collection` matching `query`, evaluated over the
 * documents this model holds (subscribe to them with `useDoc` or
 * `model.subscribe`; live server queries come later). Returns the documents
 * (or, for a `{ $count: true }` query, their number), a model scoped at the
 * collection, and `{ status, ids }`. Re-renders when the result changes.
 *
 * @example
 * const [active] = useQuery<Todo>('todos', { done: false, $sort: { createdAt: 1 } });
 * const [left] = useQuery('todos', { done: false, $count: true });
 */
export function useQuery(collection: string, query: Query & { readonly $count: true }, options?: UseQueryOptions): [number, Model, QueryInfo];
export function useQuery<T = unknown>(collection: string, query?: Query, options?: UseQueryOptions): [readonly T[], Model, QueryInfo];
export function useQuery<T = unknown>(
  collection: string,
  query: Query = {},
  options: UseQueryOptions = {},
): [readonly T[] | number, Model, QueryInfo] {
  // A count query re-renders only when the number changes, not when a counted document does.
  const select = query['$count'] === true ? countOf : whole;
  const [model, result] = useQueryResult<T, QuerySnapshot<T> | number>('useQuery', collection, query, options.suspense ?? false, select);
  const $collection = useMemo(() => model.at(collection), [model, collection]);
  const ids = typeof result === 'number' ? NO_IDS : result.ids;
  const info = useMemo((): QueryInfo => ({ status: 'local', ids }), [ids]);
  return [typeof result === 'number' ? result : result.docs, $collection, info];
}

/**
 * The ids of the documents matching `query` (as `useQuery`), with a stable
 * identity: the component re-renders only when the ids or their order
 * change, not when a matching document changes. For lists whose rows read
 * their own document with `useDoc`.
 *
 * @example
 * const ids = useQueryIds('todos', { listId, $sort: { createdAt: 1 } });
 * return ids.map((id) => <TodoRow key={id} id={id} />);
 */
export function useQueryIds(collection: string, query: Query = {}, options: UseQueryOptions = {}): readonly string[] {
  return useQueryResult('useQueryIds', collection, query, options.suspense ?? false, idsOf)[1];
}
