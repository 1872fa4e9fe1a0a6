import { describe, expect, it } from 'vitest';
import { longestIncreasing } from '../../src/query/longest-increasing.ts';

/** The length of a longest strictly increasing subsequence, by the quadratic method. */
function bruteLength(values: readonly number[]): number {
  const best = values.map(() => 1);
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < i; j++) if ((values[j] as number) < (values[i] as number)) best[i] = Math.max(best[i] as number, (best[j] as number) + 1);
  }
  return Math.max(0, ...best);
}

describe('longestIncreasing', () => {
  it('gives the positions of a longest strictly increasing subsequence, in order', () => {
    expect(longestIncreasing([])).toEqual([]);
    expect(longestIncreasing([3, 1, 2, 5, 4])).toEqual([1, 2, 4]); // the values 1, 2, 4 (1, 2, 5 is as long)
    expect(longestIncreasing([5, 4, 3])).toHaveLength(1);
    expect(longestIncreasing([1, 1, 1])).toHaveLength(1);
  });

  it('is as long as the quadratic method finds, and increasing, for 300 seeded random lists', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647);
    for (let run = 0; run < 300; run++) {
      const values = Array.from({ length: next() % 40 }, () => next() % 25);
      const picked = longestIncreasing(values);
      expect(picked).toHaveLength(bruteLength(values));
      for (let k = 1; k < picked.length; k++) {
        expect(picked[k] as number).toBeGreaterThan(picked[k - 1] as number);
        expect(values[picked[k] as number] as number).toBeGreaterThan(values[picked[k - 1] as number] as number);
      }
    }
  });
});
