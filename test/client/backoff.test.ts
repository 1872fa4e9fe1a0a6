import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/client/backoff.ts';
import { Random } from '../helpers/random.ts';

const lowest = (): number => 0;
const highest = (): number => 1 - Number.EPSILON;

describe('backoffDelay', () => {
  it('starts between half and all of 250 ms and stops growing at 10 s by default', () => {
    expect(backoffDelay(0, {}, lowest)).toBe(125);
    expect(backoffDelay(0, {}, highest)).toBe(250);
    expect(backoffDelay(20, {}, lowest)).toBe(5000);
    expect(backoffDelay(20, {}, highest)).toBe(10_000);
  });

  it('doubles the ceiling with every attempt until maxMs', () => {
    const options = { baseMs: 100, maxMs: 3000 };
    const ceilings = Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt, options, highest));
    expect(ceilings).toEqual([100, 200, 400, 800, 1600, 3000, 3000, 3000]);
    const floors = Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt, options, lowest));
    expect(floors).toEqual([50, 100, 200, 400, 800, 1500, 1500, 1500]);
  });

  it('stays within [ceiling / 2, ceiling] for every attempt, also huge ones', () => {
    const random = new Random(7);
    const options = { baseMs: 20, maxMs: 200 };
    for (const attempt of [0, 1, 2, 3, 4, 10, 31, 64, 1000, Number.MAX_SAFE_INTEGER]) {
      const ceiling = Math.min(200, 20 * 2 ** Math.min(attempt, 30));
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(attempt, options, () => random.next());
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads delays of one attempt over the whole jitter window (seeded random)', () => {
    const random = new Random(2024);
    const delays = Array.from({ length: 1000 }, () => backoffDelay(3, { baseMs: 250, maxMs: 10_000 }, () => random.next()));
    // attempt 3: ceiling 2000 ms, window [1000, 2000]
    expect(Math.min(...delays)).toBeLessThan(1050);
    expect(Math.max(...delays)).toBeGreaterThan(1950);
    expect(new Set(delays).size).toBeGreaterThan(300);
    const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
    expect(mean).toBeGreaterThan(1450);
    expect(mean).toBeLessThan(1550);
    // Each tenth of the window gets a fair share: no clustering.
    const buckets = new Array<number>(10).fill(0);
    for (const delay of delays) {
      const index = Math.min(9, Math.floor((delay - 1000) / 100));
      buckets[index] = (buckets[index] ?? 0) + 1;
    }
    for (const bucket of buckets) expect(bucket).toBeGreaterThan(50);
  });

  it('gives clients with different randomness different delays for the same attempt', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((seed) => {
      const random = new Random(seed);
      return backoffDelay(0, { baseMs: 1000, maxMs: 10_000 }, () => random.next());
    });
    expect(new Set(delays).size).toBe(6);
  });

  it('uses Math.random by default', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(2, { baseMs: 1000 })));
    expect(delays.size).toBeGreaterThan(10);
  });
});
