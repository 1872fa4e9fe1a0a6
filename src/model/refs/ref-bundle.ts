/**
 * Refs in bundles: `model.bundle()` lists the model's refs and ref lists
 * (and the queries behind `query.ref` / `query.refIds`), and a model made
 * from the bundle makes them again, live, after its documents are in.
 */
import type { QueryExpression } from '../../query/query-expression.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { pathProblem, splitPath } from '../paths/path.ts';
import { queryFor } from '../queries/query-cache.ts';
import { addRef, addRefList } from './ref-methods.ts';
import { refQuery, refQueryIds } from './ref-query.ts';
import { registryOf } from './ref-registry.ts';

/** One ref of a bundle: a ref (`to`), a ref list (`list` and `ids`), or a query's ref (`query`, with `ids: true` for `refIds`). */
export type BundledRef =
  | { readonly from: string; readonly to: string; readonly updateIndices?: true }
  | { readonly from: string; readonly list: string; readonly ids: string; readonly deleteRemoved?: true }
  | { readonly from: string; readonly query: { readonly collection: string; readonly expression: QueryExpression }; readonly ids?: true };

/** The refs of a store, in the order they were made (none: undefined, so bundles without refs stay as they were). */
export function bundleRefs(store: ModelStore): BundledRef[] | undefined {
  const entries = registryOf(store)?.entries() ?? [];
  if (entries.length === 0) return undefined;
  return entries.map((entry): BundledRef => {
    const from = entry.from.join('.');
    if (entry.query) return { from, query: { collection: entry.query.collection, expression: entry.query.expression as QueryExpression }, ...(entry.kind === 'ref' ? { ids: true as const } : {}) };
    if (entry.kind === 'ref') return { from, to: entry.to.join('.'), ...(entry.updateIndices ? { updateIndices: true as const } : {}) };
    return { from, list: entry.to.join('.'), ids: entry.ids.join('.'), ...(entry.deleteRemoved ? { deleteRemoved: true as const } : {}) };
  });
}

/** Checks the `refs` of a bundle (absent is fine); throws a `TypeError` naming the bad one. */
export function readBundledRefs(value: unknown): BundledRef[] {
  if (value === undefined) return [];
  const fail = (what: string): never => {
    throw new TypeError(`yracer bundle: ${what}`);
  };
  if (!Array.isArray(value)) return fail('"refs" must be an array');
  const path = (i: number, item: Record<string, unknown>, key: string): string => {
    const text = item[key];
    if (typeof text !== 'string' || text === '' || pathProblem(splitPath(text))) return fail(`refs[${i}].${key} must be a valid path`);
    return text;
  };
  return value.map((raw: unknown, i): BundledRef => {
    if (typeof raw !== 'object' || raw === null) return fail(`refs[${i}] must be an object`);
    const item = raw as Record<string, unknown>;
    const from = path(i, item, 'from');
    if ('query' in item) {
      const query = item['query'] as Record<string, unknown> | null;
      if (typeof query !== 'object' || query === null || typeof query['collection'] !== 'string' || typeof query['expression'] !== 'object' || query['expression'] === null) {
        return fail(`refs[${i}].query must be { collection, expression }`);
      }
      const described = { collection: query['collection'], expression: query['expression'] as QueryExpression };
      return item['ids'] === true ? { from, query: described, ids: true } : { from, query: described };
    }
    if ('list' in item) {
      const list = { from, list: path(i, item, 'list'), ids: path(i, item, 'ids') };
      return item['deleteRemoved'] === true ? { ...list, deleteRemoved: true } : list;
    }
    const to = path(i, item, 'to');
    return item['updateIndices'] === true ? { from, to, updateIndices: true } : { from, to };
  });
}

/** Makes the refs of a bundle again on a store. */
export function loadBundledRefs(store: ModelStore, refs: readonly BundledRef[]): void {
  for (const ref of refs) {
    if ('query' in ref) {
      const query = queryFor<unknown>(store, ref.query.collection, ref.query.expression);
      if (ref.ids === true) refQueryIds(store, query, ref.from);
      else refQuery(store, query, ref.from);
    } else if ('list' in ref) {
      addRefList(store, ref.from, ref.list, ref.ids, ref.deleteRemoved === true ? { deleteRemoved: true } : {});
    } else {
      addRef(store, ref.from, ref.to, ref.updateIndices === true ? { updateIndices: true } : {});
    }
  }
}
