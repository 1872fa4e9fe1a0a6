import { describe, expect, it } from 'vitest';
import { createModel } from '../../../src/index.ts';
import { writeIds } from '../../../src/model/functions/filter-ids.ts';

describe('writeIds', () => {
  it('applies a known single move without diffing when the array is what the filter wrote', () => {
    const model = createModel();
    model.set('_page.ids', ['a', 'b', 'c']);
    const scope = { store: model.store, passed: {}, muted: false };
    // The move is applied as given (a diff of the ids would give b, c, a): the fast path ran.
    writeIds(scope, '_page.ids', ['b', 'c', 'a'], { key: 'a', from: 0, to: 1 });
    expect(model.get('_page.ids')).toEqual(['b', 'a', 'c']);
    writeIds(scope, '_page.ids', ['b', 'a', 'c', 'd'], { key: 'd', from: -1, to: 3 });
    writeIds(scope, '_page.ids', ['a', 'c', 'd'], { key: 'b', from: 0, to: -1 });
    expect(model.get('_page.ids')).toEqual(['a', 'c', 'd']);
  });

  it('diffs when the array is not what the filter wrote, or no single move is known', () => {
    const model = createModel();
    model.set('_page.ids', ['x', 'b']);
    const scope = { store: model.store, passed: {}, muted: false };
    writeIds(scope, '_page.ids', ['b', 'a'], { key: 'a', from: 0, to: 1 });
    expect(model.get('_page.ids')).toEqual(['b', 'a']);
    writeIds(scope, '_page.ids', ['c'], null);
    expect(model.get('_page.ids')).toEqual(['c']);
    writeIds(scope, '_page.other', ['n'], { key: 'n', from: -1, to: 0 });
    expect(model.get('_page.other')).toEqual(['n']);
  });
});
