/**
 * The queries of a model, by collection and expression, so identical
 * arguments give the same `Query` object while it is in use. A query nothing
 * holds or listens to leaves the cache (the next `model.query()` makes a new
 * one).
 */
import { assertQuery } from '../../query/evaluate-query.ts';
import type { QueryExpression } from '../../query/query-expression.ts';
import { modelError } from '../model-error.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { pathProblem } from '../paths/path.ts';
import { Query } from './query.ts';

const caches = new WeakMap<ModelStore, Map<string, Query<unknown>>>();

/** A deep, frozen copy of an expression: the query answers for the expression as it was given, whatever the caller does with its object later. */
function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze((value as unknown[]).map((item) => frozenCopy(item))) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.freeze(Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, frozenCopy(item)]))) as T;
  }
  return value;
}

/** The queries of a model in use now (held, listened to, or just made), for devtools. */
export function queriesOf(store: ModelStore): Array<Query<unknown>> {
  return [...(caches.get(store)?.values() ?? [])];
}

/** The model's query for a collection and expression (validated: a `TypeError` names what is wrong). */
export function queryFor<R>(store: ModelStore, collection: string, expression: QueryExpression): Query<R> {
  if (typeof collection !== 'string' || collection.includes('.') || pathProblem([collection])) {
    throw modelError('error', 'query', String(collection), 'the first argument must be a collection name');
  }
  assertQuery(expression, `yracer query('${collection}')`);
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new Map()));
  const key = `${collection}\u0000${JSON.stringify(expression)}`;
  const found = cache.get(key);
  if (found) return found as Query<R>;
  const map = cache;
  const query = new Query<R>(store, collection, frozenCopy(expression), {
    idle: (idle) => {
      if (map.get(key) === (idle as Query<unknown>)) map.delete(key);
    },
    // Used again after going idle: it is the model's query for these arguments again (unless another took its place).
    active: (active) => {
      if (!map.has(key)) map.set(key, active as Query<unknown>);
    },
  });
  cache.set(key, query as Query<unknown>);
  return query;
}
