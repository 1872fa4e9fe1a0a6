import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { arrayDiff, type ArrayEquality, type ArrayStep } from '../../../src/model/mutations/array-diff.ts';
import { Random } from '../../helpers/random.ts';

/** Applies steps to a copy of an array, checking every index. */
function applySteps(before: readonly unknown[], steps: readonly ArrayStep[]): unknown[] {
  const array = [...before];
  for (const step of steps) {
    if (step.type === 'remove') {
      expect(step.index + step.howMany).toBeLessThanOrEqual(array.length);
      array.splice(step.index, step.howMany);
    } else if (step.type === 'insert') {
      expect(step.index).toBeLessThanOrEqual(array.length);
      array.splice(step.index, 0, ...step.values);
    } else {
      expect(step.from + step.howMany).toBeLessThanOrEqual(array.length);
      const moved = array.splice(step.from, step.howMany);
      expect(step.to).toBeLessThanOrEqual(array.length);
      array.splice(step.to, 0, ...moved);
    }
  }
  return array;
}

const count = (steps: readonly ArrayStep[], type: ArrayStep['type']): number => steps.filter((s) => s.type === type).length;

describe('arrayDiff', () => {
  it('returns no step when the arrays are equal', () => {
    expect(arrayDiff([1, 'a', null], [1, 'a', null], 'identity')).toEqual([]);
    expect(arrayDiff([{ a: 1, b: [2] }], [{ b: [2], a: 1 }], 'deep')).toEqual([]);
  });

  it('inserts a block in the middle', () => {
    expect(arrayDiff(['a', 'd'], ['a', 'b', 'c', 'd'], 'identity')).toEqual([{ type: 'insert', index: 1, values: ['b', 'c'] }]);
  });

  it('removes blocks, last first', () => {
    expect(arrayDiff([1, 2, 3, 4, 5], [1, 4], 'identity')).toEqual([
      { type: 'remove', index: 4, howMany: 1 },
      { type: 'remove', index: 1, howMany: 2 },
    ]);
  });

  it('moves one element instead of the ones it passes', () => {
    expect(arrayDiff(['a', 'b', 'c', 'd'], ['b', 'c', 'd', 'a'], 'identity')).toEqual([{ type: 'move', from: 0, to: 3, howMany: 1 }]);
    expect(arrayDiff(['a', 'b', 'c', 'd'], ['d', 'a', 'b', 'c'], 'identity')).toEqual([{ type: 'move', from: 3, to: 0, howMany: 1 }]);
  });

  it('moves neighbours that stay together as one block', () => {
    expect(arrayDiff([1, 2, 3, 4, 5, 6], [4, 5, 1, 2, 3, 6], 'identity')).toEqual([{ type: 'move', from: 3, to: 0, howMany: 2 }]);
  });

  it('mixes removes, moves and inserts as in its example', () => {
    const steps = arrayDiff(['a', 'b', 'c'], ['c', 'a', 'x'], 'identity');
    expect(steps).toEqual([
      { type: 'remove', index: 1, howMany: 1 },
      { type: 'move', from: 0, to: 1, howMany: 1 },
      { type: 'insert', index: 2, values: ['x'] },
    ]);
  });

  it('compares objects by identity or by deep equality', () => {
    const a = { k: 1 };
    expect(arrayDiff([a], [{ k: 1 }], 'identity')).toEqual([
      { type: 'remove', index: 0, howMany: 1 },
      { type: 'insert', index: 0, values: [{ k: 1 }] },
    ]);
    expect(arrayDiff([a], [a], 'identity')).toEqual([]);
    expect(arrayDiff([a, { k: 2 }], [{ k: 2 }, { k: 1 }], 'deep')).toEqual([{ type: 'move', from: 0, to: 1, howMany: 1 }]);
  });

  it('pairs duplicates in order', () => {
    expect(arrayDiff(['x', 'y', 'x'], ['x', 'x', 'y'], 'identity')).toHaveLength(1);
    expect(arrayDiff([0, 0, 0], [0, 0], 'identity')).toEqual([{ type: 'remove', index: 2, howMany: 1 }]);
  });

  it('gives the target for random arrays, keeping every element the target keeps in order', () => {
    const random = new Random(20261207);
    const pool = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => ({ k }));
    for (let round = 0; round < 400; round++) {
      const equality: ArrayEquality = round % 2 === 0 ? 'identity' : 'deep';
      const item = (): unknown => (random.chance(0.5) ? random.int(8) : equality === 'deep' ? { k: random.int(8) } : random.pick(pool));
      const before = Array.from({ length: random.int(12) }, item);
      const after = random.chance(0.3) ? Array.from({ length: random.int(12) }, item) : shuffled(before, random, item);
      const steps = arrayDiff(before, after, equality);
      const result = applySteps(before, steps);
      if (equality === 'identity') expect(result).toStrictEqual(after);
      else expect(isDeepStrictEqual(result, after)).toBe(true);
      // No more removes + moves than the elements that had to go or move, no more inserts than new runs.
      expect(count(steps, 'remove')).toBeLessThanOrEqual(before.length);
      expect(count(steps, 'insert') + count(steps, 'move')).toBeLessThanOrEqual(after.length);
    }
  });
});

/** A variant of `before` with a few random edits (moves, removes, inserts). */
function shuffled(before: readonly unknown[], random: Random, item: () => unknown): unknown[] {
  const array = [...before];
  for (let edits = random.int(4); edits > 0; edits--) {
    const r = random.int(3);
    if (r === 0 && array.length > 0) array.splice(random.int(array.length), 1);
    else if (r === 1) array.splice(random.int(array.length + 1), 0, item());
    else if (array.length > 1) {
      const [moved] = array.splice(random.int(array.length), 1);
      array.splice(random.int(array.length + 1), 0, moved);
    }
  }
  return array;
}
