import { describe, expect, it } from 'vitest';
import { FilterIndex, movesWindow } from '../../../src/model/functions/filter-index.ts';

const byValue = (a: unknown, b: unknown): number => (a as number) - (b as number);

describe('FilterIndex', () => {
  it('keeps matches sorted, ties in the order keys were first seen', () => {
    const index = new FilterIndex(byValue);
    index.reset([['a', 2, true], ['b', 1, true], ['c', 2, true], ['d', 0, false]]);
    expect(index.keys).toEqual(['b', 'a', 'c']);
    expect(index.items).toEqual([1, 2, 2]);
  });

  it('reports where an updated key was and is, or null when nothing changed', () => {
    const index = new FilterIndex(byValue);
    index.reset([['a', 1, true], ['b', 2, true], ['c', 3, true]]);
    expect(index.update('a', 4, true)).toEqual({ from: 0, to: 2 });
    expect(index.keys).toEqual(['b', 'c', 'a']);
    expect(index.update('d', 0, false)).toBeNull();
    expect(index.update('d', 0, true)).toEqual({ from: -1, to: 0 });
    expect(index.update('b', undefined, false)).toEqual({ from: 1, to: -1 });
    const same = index.items[0];
    expect(index.update('d', same, true)).toBeNull();
    expect(index.keys).toEqual(['d', 'c', 'a']);
    expect(index.items).toEqual([0, 3, 4]);
  });

  it('keeps the input order without a comparator, and puts a key back at the end once it was gone', () => {
    const index = new FilterIndex(null);
    index.reset([['x', 'X', true], ['y', 'Y', true], ['z', 'Z', true]]);
    index.update('x', undefined, false);
    index.update('x', 'X2', true);
    expect(index.keys).toEqual(['y', 'z', 'x']);
    index.update('y', 'Y2', true);
    expect(index.keys).toEqual(['y', 'z', 'x']);
  });
});

describe('movesWindow', () => {
  it('tells whether a move changes what a window shows', () => {
    expect(movesWindow({ from: 5, to: 5 }, 0, 2)).toBe(false);
    expect(movesWindow({ from: 1, to: 1 }, 0, 2)).toBe(true);
    expect(movesWindow({ from: 0, to: 0 }, 1, 2)).toBe(false);
    expect(movesWindow({ from: 0, to: 9 }, 3, 2)).toBe(true);
    expect(movesWindow({ from: -1, to: 7 }, 0, 5)).toBe(false);
    expect(movesWindow({ from: -1, to: 7 }, 0, 0)).toBe(true);
  });
});
