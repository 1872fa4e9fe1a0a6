/**
 * The list's filter, kept in the page's URL (`?filter=active`, `?filter=done`;
 * none for all): a reload shows the same filter, and Back / Forward step
 * through the filters chosen. The server reads the same query string to
 * render the page (entry-server.tsx), so the hydrated page matches its HTML.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Filter } from './todo.ts';

const FILTERS: readonly Filter[] = ['all', 'active', 'done'];

/** The filter a URL's query string names (`?filter=done`); `all` when it names none or an unknown one. */
export function filterFromSearch(search: string): Filter {
  const named = new URLSearchParams(search).get('filter');
  return FILTERS.find((filter) => filter === named) ?? 'all';
}

/** The query string for a filter, keeping the URL's other parameters (`all` removes the parameter). */
export function searchWithFilter(search: string, filter: Filter): string {
  const params = new URLSearchParams(search);
  if (filter === 'all') params.delete('filter');
  else params.set('filter', filter);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/**
 * The filter and its setter: starts from `initial` (the filter of the URL
 * the page was rendered for), pushes a history entry on each change, and
 * follows Back / Forward (`popstate`).
 */
export function useUrlFilter(initial: Filter): readonly [Filter, (filter: Filter) => void] {
  const [filter, setFilterState] = useState<Filter>(initial);

  useEffect(() => {
    const follow = (): void => setFilterState(filterFromSearch(location.search));
    addEventListener('popstate', follow);
    return () => removeEventListener('popstate', follow);
  }, []);

  const setFilter = useCallback((next: Filter) => {
    setFilterState(next);
    const search = searchWithFilter(location.search, next);
    if (search !== location.search) history.pushState(null, '', `${location.pathname}${search}${location.hash}`);
  }, []);

  return [filter, setFilter] as const;
}
