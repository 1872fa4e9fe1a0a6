/**
 * `useFilter(path, fn, options)`: the items of a live `model.filter`,
 * updated incrementally while the component is mounted.
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { FilterFunction, FilterOptions, SortFunction } from '../model/functions/filter-options.ts';
import { useProvidedModel } from './sync-context.ts';

/** Options of `useFilter`: the filter's `skip` and `limit`, its additional inputs and its sort. */
export interface UseFilterOptions<T> extends FilterOptions {
  /** Additional input paths: their values follow `items` in the filter function's arguments; a change filters everything again. */
  readonly inputs?: readonly string[];
  /** Sort function, or a name (`'asc'`, `'desc'`, or one given to `model.fn`). */
  readonly sort?: SortFunction<T> | string;
}

/**
 * The items at `path` (a collection, object or array, relative to the
 * provider's model) that `fn` keeps (null: all), sorted by `options.sort`,
 * within `skip` and `limit`. The component re-renders only when the result
 * changes: a change inside one item re-tests that item alone. A new `fn`
 * or `sort` makes a new filter: define them outside the component (or with
 * `useCallback`).
 *
 * @example
 * const open = useFilter<Todo>('todos', isOpen, { sort: byRank, limit: 50 });
 */
export function useFilter<T = unknown>(path: string, fn: FilterFunction<T> | string | null, options: UseFilterOptions<T> = {}): readonly T[] {
  const model = useProvidedModel('useFilter');
  const { inputs = [], sort, skip, limit } = options;
  const inputsKey = JSON.stringify(inputs);
  const filter = useMemo(() => {
    const made = model.filter<T>(path, inputs, { ...(skip === undefined ? {} : { skip }), ...(limit === undefined ? {} : { limit }) }, fn);
    return sort === undefined ? made : made.sort(sort);
    // inputs is compared by content (its key).
  }, [model, path, fn, sort, inputsKey, skip, limit]);
  const subscribe = useCallback((onChange: () => void) => filter.on('change', onChange), [filter]);
  const read = (): readonly T[] => filter.get();
  return useSyncExternalStore(subscribe, read, read);
}
