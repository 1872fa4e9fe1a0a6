/**
 * `useQuery(collection, expression)` and `useQueryIds(collection,
 * expression)`: a live query (`model.query`) subscribed while the component
 * is mounted. The result shows the documents the model holds at once
 * (`status: 'local'`, including this model's own unsent writes) and follows
 * the server's result once it arrives (`status: 'complete'`).
 */
import { use, useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { Model } from '../model/model.ts';
import type { RegisteredScope } from '../model/typed-model.ts';
import type { QueryStatus } from '../model/queries/query-event.ts';
import type { Query } from '../model/queries/query.ts';
import type { QueryExpression } from '../query/query-expression.ts';
import type { ExplicitType, IsRegistered, RegisteredCollection, RegisteredDocs, RegisteredTree } from '../schema/register.ts';
import type { TypedQueryExpression } from '../schema/typed-query.ts';
import { useProvidedModel } from './sync-context.ts';
import { whenQueryComplete } from './when-loaded.ts';

/** The expression a query over `C` takes: typed by the registered schema, else any `QueryExpression`. */
type ExpressionOf<C extends RegisteredCollection> = IsRegistered extends true ? TypedQueryExpression<RegisteredDocs[C]> : QueryExpression;

/** Options of `useQuery` and `useQueryIds`. */
export interface UseQueryOptions {
  /** Suspend the first render until the server answered the query, or an offline store gave its stored result (never for a model without a server). Default false. */
  readonly suspense?: boolean;
}

/** The third element of `useQuery`'s result. */
export interface QueryInfo {
  /** `local` until the server's result arrived, then `complete`. */
  readonly status: QueryStatus;
  /** Ids of the result documents, in order (empty for a `$count` query). */
  readonly ids: readonly string[];
}

/** The model's query for the arguments, subscribed while mounted, re-rendering when `select`'s value changes. */
function useLiveQuery<R>(hook: string, collection: string, expression: QueryExpression, suspense: boolean, select: (query: Query<unknown>) => R): [Model, R, Query<unknown>] {
  const model = useProvidedModel(hook, `${collection} ${JSON.stringify(expression)}`);
  // The key stands for the expression: a new object with the same content is the same query.
  const key = JSON.stringify(expression);
  const query = useMemo(() => {
    try {
      return model.query(collection, expression) as Query<unknown>;
    } catch (error) {
      throw new TypeError(`yracer ${hook}('${collection}'): ${error instanceof Error ? error.message.replace(/^yracer query\('[^']*'\): /, '') : String(error)}`, { cause: error });
    }
  }, [model, collection, key]);
  useEffect(() => {
    query.subscribe().catch(() => undefined); // errors reach the query's 'error' listeners
    return () => void query.unsubscribe();
  }, [query]);
  const subscribe = useCallback((onChange: () => void) => query.on('change', onChange), [query]);
  const read = (): R => select(query);
  const result = useSyncExternalStore(subscribe, read, read);
  // Suspends for a query's first result only: once shown, the component keeps showing it.
  const shown = useRef<Query<unknown> | null>(null);
  useEffect(() => {
    shown.current = query;
  }, [query]);
  // On every render, not only while waiting: React reports a use() that suspended and was not called again.
  if (suspense) use(whenQueryComplete(model, query, query.status === 'complete' || shown.current === query));
  return [model, result, query];
}

interface DocsSnapshot {
  readonly docs: unknown;
  readonly ids: readonly string[];
  readonly status: QueryStatus;
}

/**
 * The documents of `collection` matching `expression` (or, for a
 * `{ $count: true }` query, their number), a model scoped at the collection,
 * and `{ status, ids }`. Subscribes the query on the server while mounted;
 * re-renders when the result changes (once per server batch).
 *
 * @example
 * const [active] = useQuery<Todo>('todos', { done: false, $sort: { createdAt: 1 } });
 * const [left] = useQuery('todos', { done: false, $count: true });
 */
export function useQuery<C extends RegisteredCollection>(
  collection: C,
  expression: ExpressionOf<C> & { readonly $count: true },
  options?: UseQueryOptions,
): [number, RegisteredScope<RegisteredTree[C]>, QueryInfo];
export function useQuery<T = ExplicitType>(
  collection: [T] extends [ExplicitType] ? never : string,
  expression?: QueryExpression,
  options?: UseQueryOptions,
): [readonly T[], Model, QueryInfo];
/**
 * A live query over a registered collection (`interface Register`): the
 * documents are typed by the schema, and a collection or field the schema
 * does not have is a compile error. Without a registration any collection,
 * and the documents are `unknown`.
 *
 * @example
 * const [active] = useQuery('todos', { done: false }); // readonly Todo[]
 */
export function useQuery<C extends RegisteredCollection>(
  collection: C,
  expression?: ExpressionOf<C>,
  options?: UseQueryOptions,
): [readonly RegisteredDocs[C][], RegisteredScope<RegisteredTree[C]>, QueryInfo];
export function useQuery<T = unknown>(
  collection: string,
  expression: QueryExpression = {},
  options: UseQueryOptions = {},
): [readonly T[] | number, Model | RegisteredScope<unknown>, QueryInfo] {
  const last = useRef<DocsSnapshot | null>(null);
  const select = (query: Query<unknown>): DocsSnapshot => {
    const docs = query.get();
    const ids = query.getIds();
    const status = query.status;
    const previous = last.current;
    if (previous && previous.docs === docs && previous.ids === ids && previous.status === status) return previous;
    return (last.current = { docs, ids, status });
  };
  const [model, snapshot] = useLiveQuery('useQuery', collection, expression, options.suspense ?? false, select);
  const $collection = useMemo(() => model.at(collection), [model, collection]);
  const info = useMemo((): QueryInfo => ({ status: snapshot.status, ids: snapshot.ids }), [snapshot.status, snapshot.ids]);
  return [snapshot.docs as readonly T[] | number, $collection, info];
}

const idsOf = (query: Query<unknown>): readonly string[] => query.getIds();

/**
 * The ids of the documents matching `expression` (as `useQuery`), with a
 * stable identity: the component re-renders only when the ids or their order
 * change, not when a matching document changes. For lists whose rows read
 * their own document with `useDoc`.
 *
 * @example
 * const ids = useQueryIds('todos', { listId, $sort: { createdAt: 1 } });
 * return ids.map((id) => <TodoRow key={id} id={id} />);
 */
export function useQueryIds(collection: string, expression: QueryExpression = {}, options: UseQueryOptions = {}): readonly string[] {
  return useLiveQuery('useQueryIds', collection, expression, options.suspense ?? false, idsOf)[1];
}
