/**
 * Port of Racer's test/Model/fn.js (derbyjs/racer 2.3.1). Racer's
 * `process.nextTick` waits become `await tick()`; its `'all'` listener
 * arguments `(path, event)` read `captures[0]` and `event.type` here
 * (docs/racer.md: listeners get `(event, captures)`).
 */
import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../../src/index.ts';
import { listen, type Heard } from './racer-listen.ts';

/** Racer's `process.nextTick` callback, awaited. */
const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));
const sum = (a: number, b: number): number => a + b;

/** A model with `unity` registered and `_test.in` set, as Racer's event mirroring tests start. */
function mirrored(): Model {
  const model = createModel();
  model.fn('unity', { get: (value: unknown) => value, set: (value: unknown) => [value] });
  model.set('_test.in', { a: [{ x: 1, y: 2 }, { x: 2, y: 0 }] });
  model.start('_test.out', '_test.in', 'unity');
  return model;
}

/** Racer's `done()` on the first event fails on a second call: every event heard must be the expected one. */
function expectOnly(heard: Heard[], type: string, capture: string): void {
  expect(heard.length).toBeGreaterThan(0);
  for (const { event, captures } of heard) expect([event.type, captures[0]]).toEqual([type, capture]);
}

describe('fn', () => {
  describe('evaluate', () => {
    it('supports fn with a getter function', () => {
      const model = createModel();
      model.fn('sum', sum);
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      expect(model.evaluate('_nums.a', '_nums.b', 'sum')).toBe(6);
    });
    it('supports fn with an object', () => {
      const model = createModel();
      model.fn('sum', { get: sum });
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      expect(model.evaluate('_nums.a', '_nums.b', 'sum')).toBe(6);
    });
    it('supports fn with variable arguments', () => {
      const model = createModel();
      model.fn('sum', (...values: number[]) => values.reduce((total, n) => total + n, 0));
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.set('_nums.c', 7);
      expect(model.evaluate('_nums.a', '_nums.b', '_nums.c', 'sum')).toBe(13);
    });
    it('supports scoped model paths', () => {
      const model = createModel();
      model.fn('sum', sum);
      const $nums = model.at('_nums');
      $nums.set('a', 2);
      $nums.set('b', 4);
      expect(model.evaluate('_nums.a', '_nums.b', 'sum')).toBe(6);
      expect($nums.evaluate('a', 'b', 'sum')).toBe(6);
    });
  });
  describe('start', () => {
    it('sets the output immediately on start', () => {
      const model = createModel();
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      const value = model.start('_nums.sum', '_nums.a', '_nums.b', sum);
      expect(value).toBe(6);
      expect(model.get('_nums.sum')).toBe(6);
    });
    it('supports function name argument', () => {
      const model = createModel();
      model.fn('sum', sum);
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      const value = model.start('_nums.sum', '_nums.a', '_nums.b', 'sum');
      expect(value).toBe(6);
      expect(model.get('_nums.sum')).toBe(6);
    });
    it('sets the output when an input changes', () => {
      const model = createModel();
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.start('_nums.sum', '_nums.a', '_nums.b', sum);
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.a', 5);
      expect(model.get('_nums.sum')).toBe(9);
    });
    it('sets the output when a parent of the input changes', () => {
      const model = createModel();
      model.set('_nums.in', { a: 2, b: 4 });
      model.start('_nums.sum', '_nums.in.a', '_nums.in.b', sum);
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.in', { a: 5, b: 7 });
      expect(model.get('_nums.sum')).toBe(12);
    });
    it('does not set the output when a sibling of the input changes', () => {
      const model = createModel();
      model.set('_nums.in', { a: 2, b: 4 });
      let count = 0;
      model.start('_nums.sum', '_nums.in.a', '_nums.in.b', (a: number, b: number) => {
        count++;
        return a + b;
      });
      expect(model.get('_nums.sum')).toBe(6);
      expect(count).toBe(1);
      model.set('_nums.in.a', 3);
      expect(model.get('_nums.sum')).toBe(7);
      expect(count).toBe(2);
      model.set('_nums.in.c', -1);
      expect(model.get('_nums.sum')).toBe(7);
      expect(count).toBe(2);
    });
    it('calling twice cleans up listeners for former function', () => {
      const model = createModel();
      model.set('_nums.in', { a: 2, b: 4 });
      let count = 0;
      model.start('_nums.sum', '_nums.in.a', '_nums.in.b', (a: number, b: number) => {
        count++;
        return a + b;
      });
      expect(model.get('_nums.sum')).toBe(6);
      expect(count).toBe(1);
      model.start('_nums.sum', '_nums.in.a', '_nums.in.b', sum);
      expect(model.get('_nums.sum')).toBe(6);
      expect(count).toBe(1);
      model.set('_nums.in.a', 3);
      expect(model.get('_nums.sum')).toBe(7);
      expect(count).toBe(1);
    });
  });

  describe('stop', () => {
    it('can call stop without start', () => {
      const model = createModel();
      model.stop('_nums.sum');
    });
    it('stops updating after calling stop', () => {
      const model = createModel();
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.start('_nums.sum', '_nums.a', '_nums.b', sum);
      model.set('_nums.a', 1);
      expect(model.get('_nums.sum')).toBe(5);
      model.stop('_nums.sum');
      model.set('_nums.a', 3);
      expect(model.get('_nums.sum')).toBe(5);
    });
    it('stops updating when start was called twice', () => {
      const model = createModel();
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.start('_nums.sum', '_nums.a', '_nums.b', sum);
      model.start('_nums.sum', '_nums.a', '_nums.b', sum);
      model.set('_nums.a', 1);
      expect(model.get('_nums.sum')).toBe(5);
      model.stop('_nums.sum');
      model.set('_nums.a', 3);
      expect(model.get('_nums.sum')).toBe(5);
    });
  });
  describe('stopAll', () => {
    it('can call without start', () => {
      const model = createModel();
      model.stopAll('_nums.sum');
    });
    it('stops updating functions at matching paths', () => {
      const model = createModel();
      model.fn('sum', sum);
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.set('_nums.c', 3);
      model.set('_nums.d', 7);
      model.start('_continue.x', '_nums.a', '_nums.b', 'sum');
      model.start('_continue.y', '_nums.c', '_nums.d', 'sum');
      model.start('_halt.x', '_nums.a', '_nums.b', 'sum');
      model.start('_halt.y', '_nums.c', '_nums.d', 'sum');
      model.set('_nums.a', 1);
      model.set('_nums.c', 10);
      expect(model.get('_continue')).toEqual({ x: 5, y: 17 });
      expect(model.get('_halt')).toEqual({ x: 5, y: 17 });
      model.stopAll('_halt');
      model.set('_nums.a', 0);
      model.set('_nums.c', 0);
      expect(model.get('_continue')).toEqual({ x: 4, y: 7 });
      expect(model.get('_halt')).toEqual({ x: 5, y: 17 });
    });
  });
  describe('start with array inputs', () => {
    it('array inputs and function name', () => {
      const model = createModel();
      model.fn('sum', sum);
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      const value = model.start('_nums.sum', ['_nums.a', '_nums.b'], 'sum');
      expect(value).toBe(6);
      expect(model.get('_nums.sum')).toBe(6);
    });
    it('array inputs and function argument', () => {
      const model = createModel();
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      const value = model.start('_nums.sum', ['_nums.a', '_nums.b'], sum);
      expect(value).toBe(6);
      expect(model.get('_nums.sum')).toBe(6);
    });
  });
  describe('start with async option', () => {
    it('sets the output immediately on start', () => {
      const model = createModel();
      model.fn('sum', sum);
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      const value = model.start('_nums.sum', '_nums.a', '_nums.b', { async: true }, 'sum');
      expect(value).toBe(6);
      expect(model.get('_nums.sum')).toBe(6);
    });
    it('async sets the output when an input changes', async () => {
      const model = createModel();
      model.fn('sum', sum);
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.start('_nums.sum', '_nums.a', '_nums.b', { async: true }, 'sum');
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.a', 5);
      // Synchronously, there should be no change
      expect(model.get('_nums.sum')).toBe(6);
      // Async, the value should be updated
      await tick();
      expect(model.get('_nums.sum')).toBe(9);
    });
    it('debouncing gets reset', async () => {
      const model = createModel();
      model.fn('sum', sum);
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.start('_nums.sum', '_nums.a', '_nums.b', { async: true }, 'sum');
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.a', 5);
      expect(model.get('_nums.sum')).toBe(6);
      await tick();
      expect(model.get('_nums.sum')).toBe(9);
      model.set('_nums.b', 0);
      expect(model.get('_nums.sum')).toBe(9);
      await tick();
      expect(model.get('_nums.sum')).toBe(5);
    });
    it('no async sets the output multiple times when an input changes multiple times', () => {
      const model = createModel();
      let calls = 0;
      model.fn('sum', (a: number, b: number) => {
        calls++;
        return a + b;
      });
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.start('_nums.sum', '_nums.a', '_nums.b', 'sum');
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.a', 1);
      expect(model.get('_nums.sum')).toBe(5);
      model.set('_nums.a', 5);
      expect(model.get('_nums.sum')).toBe(9);
      model.set('_nums.b', 10);
      expect(model.get('_nums.sum')).toBe(15);
      model.set('_nums.b', 4);
      expect(model.get('_nums.sum')).toBe(9);
      expect(calls).toBe(5);
    });
    it('async sets the output when an input changes multiple times', async () => {
      const model = createModel();
      let calls = 0;
      model.fn('sum', (a: number, b: number) => {
        calls++;
        return a + b;
      });
      model.set('_nums.a', 2);
      model.set('_nums.b', 4);
      model.start('_nums.sum', '_nums.a', '_nums.b', { async: true }, 'sum');
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.a', 1);
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.a', 5);
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.b', 10);
      expect(model.get('_nums.sum')).toBe(6);
      model.set('_nums.b', 4);
      expect(model.get('_nums.sum')).toBe(6);
      // Async, the value should be updated once
      await tick();
      expect(model.get('_nums.sum')).toBe(9);
      expect(calls).toBe(2);
    });
  });
  describe('setter', () => {
    it('sets the input when the output changes', () => {
      const model = createModel();
      model.fn('fullName', {
        get: (first: string, last: string) => `${first} ${last}`,
        set: (fullName: string) => fullName.split(' '),
      });
      model.set('_user.name', { first: 'John', last: 'Smith' });
      model.at('_user.name').start('full', 'first', 'last', 'fullName');
      expect(model.get('_user.name')).toEqual({ first: 'John', last: 'Smith', full: 'John Smith' });
      model.set('_user.name.full', 'Jane Doe');
      expect(model.get('_user.name')).toEqual({ first: 'Jane', last: 'Doe', full: 'Jane Doe' });
    });
  });
  describe('event mirroring', () => {
    // docs/racer.md: "`start` in its default `diffDeep` mode writes with `setDiffDeep`, so a reordered array shows as changes inside its elements, not as a move"
    it.skip('emits move event on output when input changes', () => {
      const model = mirrored();
      const heard = listen(model, 'all', '_test.out.**');
      model.move('_test.in.a', 0, 1);
      expect(model.get('_test.out')).toEqual(model.get('_test.in'));
      expectOnly(heard, 'move', 'a');
    });
    // docs/racer.md: "`start` in its default `diffDeep` mode writes with `setDiffDeep`, so a reordered array shows as changes inside its elements, not as a move"
    it.skip('emits move event on input when output changes', () => {
      const model = mirrored();
      const heard = listen(model, 'all', '_test.in.**');
      model.move('_test.out.a', 0, 1);
      expect(model.get('_test.out')).toEqual(model.get('_test.in'));
      expectOnly(heard, 'move', 'a');
    });
    it('emits granular change event under an array when input changes', () => {
      const model = mirrored();
      const heard = listen(model, 'all', '_test.out.**');
      model.set('_test.in.a.0.x', 3);
      expect(model.get('_test.out')).toEqual(model.get('_test.in'));
      expectOnly(heard, 'change', 'a.0.x');
    });
    it('emits granular change event under an array when output changes', () => {
      const model = mirrored();
      const heard = listen(model, 'all', '_test.in.**');
      model.set('_test.out.a.0.x', 3);
      expect(model.get('_test.out')).toEqual(model.get('_test.in'));
      expectOnly(heard, 'change', 'a.0.x');
    });
  });
});
