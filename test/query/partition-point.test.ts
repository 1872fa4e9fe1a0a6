import { describe, expect, it } from 'vitest';
import { partitionPoint } from '../../src/query/partition-point.ts';

describe('partitionPoint', () => {
  it('gives the first index where the predicate turns false, at the start, inside and at the end', () => {
    const sorted = [1, 3, 3, 7];
    expect(partitionPoint(sorted.length, (i) => (sorted[i] as number) < 0)).toBe(0);
    expect(partitionPoint(sorted.length, (i) => (sorted[i] as number) < 3)).toBe(1);
    expect(partitionPoint(sorted.length, (i) => (sorted[i] as number) <= 3)).toBe(3);
    expect(partitionPoint(sorted.length, (i) => (sorted[i] as number) < 9)).toBe(4);
    expect(partitionPoint(0, () => true)).toBe(0);
  });

  it('agrees with a linear scan on random sorted lists, in O(log n) calls', () => {
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let round = 0; round < 200; round += 1) {
      const list = Array.from({ length: random(50) }, () => random(20)).sort((a, b) => a - b);
      const value = random(22);
      let calls = 0;
      const found = partitionPoint(list.length, (i) => {
        calls += 1;
        return (list[i] as number) < value;
      });
      const linear = list.findIndex((item) => item >= value);
      expect(found).toBe(linear === -1 ? list.length : linear);
      expect(calls).toBeLessThanOrEqual(Math.ceil(Math.log2(list.length + 1)));
    }
  });
});
