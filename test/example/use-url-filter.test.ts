/** The todos example's filter in the URL (example-app/src/use-url-filter.ts): reading and writing the query string. */
import { describe, expect, it } from 'vitest';
import { filterFromSearch, searchWithFilter } from '../../example-app/src/use-url-filter.ts';

describe('filterFromSearch', () => {
  it('reads the filter the query string names', () => {
    expect(filterFromSearch('?filter=active')).toBe('active');
    expect(filterFromSearch('?filter=done')).toBe('done');
    expect(filterFromSearch('?filter=all')).toBe('all');
    expect(filterFromSearch('?x=1&filter=done')).toBe('done');
  });

  it('falls back to all when the query string names none or an unknown one', () => {
    expect(filterFromSearch('')).toBe('all');
    expect(filterFromSearch('?')).toBe('all');
    expect(filterFromSearch('?filter=')).toBe('all');
    expect(filterFromSearch('?filter=DONE')).toBe('all');
    expect(filterFromSearch('?filter=constructor')).toBe('all');
  });
});

describe('searchWithFilter', () => {
  it('sets the filter and drops it for all, keeping the other parameters', () => {
    expect(searchWithFilter('', 'active')).toBe('?filter=active');
    expect(searchWithFilter('?filter=active', 'done')).toBe('?filter=done');
    expect(searchWithFilter('?filter=done', 'all')).toBe('');
    expect(searchWithFilter('?user=ann&filter=done', 'all')).toBe('?user=ann');
    expect(searchWithFilter('?user=ann', 'done')).toBe('?user=ann&filter=done');
  });

  it('round-trips with filterFromSearch', () => {
    for (const filter of ['all', 'active', 'done'] as const) expect(filterFromSearch(searchWithFilter('?a=b', filter))).toBe(filter);
  });
});
