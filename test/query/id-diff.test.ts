import { describe, expect, it } from 'vitest';
import { applyIdOps, diffIds } from '../../src/query/id-diff.ts';
import { Random } from '../helpers/random.ts';

describe('diffIds', () => {
  it('turns any list into any other when its operations are applied (random lists)', () => {
    const random = new Random(7);
    const pool = Array.from({ length: 20 }, (_, i) => `d${i}`);
    for (let round = 0; round < 2000; round++) {
      const pick = (): string[] => pool.filter(() => random.chance(0.5)).sort(() => random.next() - 0.5);
      const before = pick();
      const after = pick();
      expect(applyIdOps(before, diffIds(before, after))).toEqual(after);
    }
  });

  it('describes one moved id as one move, and leaves equal lists alone', () => {
    expect(diffIds(['a', 'b', 'c', 'd'], ['b', 'c', 'd', 'a'])).toEqual([{ type: 'move', from: 0, to: 3, ids: ['a'] }]);
    expect(diffIds(['a', 'b'], ['a', 'b'])).toEqual([]);
    expect(diffIds(['a', 'b', 'c'], ['a'])).toEqual([{ type: 'remove', index: 1, ids: ['b', 'c'] }]);
    expect(diffIds([], ['x', 'y'])).toEqual([{ type: 'insert', index: 0, ids: ['x', 'y'] }]);
  });

  it('throws a RangeError when operations do not fit the list', () => {
    expect(() => applyIdOps(['a'], [{ type: 'remove', index: 0, ids: ['b'] }])).toThrow(RangeError);
    expect(() => applyIdOps(['a'], [{ type: 'insert', index: 3, ids: ['b'] }])).toThrow(RangeError);
    expect(() => applyIdOps(['a', 'b'], [{ type: 'move', from: 0, to: 5, ids: ['a'] }])).toThrow(RangeError);
  });
});
