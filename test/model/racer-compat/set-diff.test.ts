/**
 * Port of Racer's test/Model/setDiff.js (derbyjs/racer 2.3.1). Racer's
 * pattern-less `'all'` listener gets `(segments, event)`; here the event's
 * `path` split at the dots (docs/racer.md: listeners get `(event, captures)`).
 */
import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../../src/index.ts';
import { listen, payload } from './racer-listen.ts';

type DiffMethod = 'setDiff' | 'setDiffDeep' | 'setArrayDiff' | 'setArrayDiffDeep';

/** Calls the diff method by name, as Racer's `model[method](path, value)`. */
function diff(model: Model, method: DiffMethod, path: string, value: unknown): void {
  if (method === 'setArrayDiff' || method === 'setArrayDiffDeep') model[method](path, value as unknown[]);
  else model[method](path, value);
}

/** Every event the model emits, as `[segments, type, value-like, previous, index]`. */
function heardAll(model: Model): () => unknown[][] {
  const heard = listen(model, 'all');
  return () => heard.map(({ event }) => [
    event.path.split('.'),
    event.type,
    payload(event),
    event.type === 'change' ? event.previous : undefined,
    event.type === 'insert' || event.type === 'remove' ? event.index : undefined,
  ]);
}

for (const method of ['setDiff', 'setDiffDeep', 'setArrayDiff', 'setArrayDiffDeep'] as const) {
  describe(`${method} common diff functionality`, () => {
    // yracer: setArrayDiff(Deep) of a value or path that is not an array throws a TypeError (test/model/mutations/set-array-diff.test.ts); Racer sets it
    const itNonArray = method === 'setArrayDiff' || method === 'setArrayDiffDeep' ? it.skip : it;
    itNonArray('sets the value when undefined', () => {
      const model = createModel();
      diff(model, method, '_page.color', 'green');
      expect(model.get('_page.color')).toBe('green');
    });
    itNonArray('changes the value', () => {
      const model = createModel();
      model.set('_page.color', 'green');
      diff(model, method, '_page.color', 'red');
      expect(model.get('_page.color')).toBe('red');
    });
    itNonArray('changes an object', () => {
      const model = createModel();
      model.set('_page.color', { hex: '#0f0', name: 'green' });
      diff(model, method, '_page.color', { hex: '#f00', name: 'red' });
      expect(model.get('_page.color')).toEqual({ hex: '#f00', name: 'red' });
    });
    itNonArray('deletes keys from an object', () => {
      const model = createModel();
      model.set('_page.color', { hex: '#0f0', name: 'green' });
      diff(model, method, '_page.color', { name: 'green' });
      expect(model.get('_page.color')).toEqual({ name: 'green' });
    });
    it('adds items to an array', () => {
      const model = createModel();
      model.set('_page.items', [4]);
      diff(model, method, '_page.items', [2, 3, 4]);
      expect(model.get('_page.items')).toEqual([2, 3, 4]);
    });
    it('removes items in an array', () => {
      const model = createModel();
      model.set('_page.items', [2, 3, 4]);
      diff(model, method, '_page.items', [3, 4]);
      expect(model.get('_page.items')).toEqual([3, 4]);
    });
    it('moves items in an array', () => {
      const model = createModel();
      model.set('_page.items', [2, 3, 4]);
      diff(model, method, '_page.items', [3, 4, 2]);
      expect(model.get('_page.items')).toEqual([3, 4, 2]);
    });
    itNonArray('adds items to an array in an object', () => {
      const model = createModel();
      model.set('_page.lists', { a: [4] });
      diff(model, method, '_page.lists', { a: [2, 3, 4] });
      expect(model.get('_page.lists')).toEqual({ a: [2, 3, 4] });
    });
    itNonArray('emits an event when changing value', () => {
      const model = createModel();
      const heard = heardAll(model);
      diff(model, method, '_page.color', 'green');
      expect(heard()).toEqual([[['_page', 'color'], 'change', 'green', undefined, undefined]]);
    });
    itNonArray('does not emit an event when value is not changed', () => {
      const model = createModel();
      model.set('_page.color', 'green');
      const heard = heardAll(model);
      diff(model, method, '_page.color', 'green');
      expect(heard()).toEqual([]);
    });
  });
}

describe('setDiff', () => {
  // yracer: setDiff compares deeply (model.md: "writes only when not deep-equal"), so an equivalent object or array writes and emits nothing; Racer compares with ===
  it.skip('emits an event when an object is set to an equivalent object', () => {
    const model = createModel();
    model.set('_page.color', { name: 'green' });
    const heard = heardAll(model);
    model.setDiff('_page.color', { name: 'green' });
    expect(heard()).toEqual([[['_page', 'color'], 'change', { name: 'green' }, { name: 'green' }, undefined]]);
  });
  // yracer: setDiff compares deeply (model.md: "writes only when not deep-equal"), so an equivalent object or array writes and emits nothing; Racer compares with ===
  it.skip('emits an event when an array is set to an equivalent array', () => {
    const model = createModel();
    model.set('_page.list', [2, 3, 4]);
    const heard = heardAll(model);
    model.setDiff('_page.list', [2, 3, 4]);
    expect(heard()).toEqual([[['_page', 'list'], 'change', [2, 3, 4], [2, 3, 4], undefined]]);
  });
});

describe('setDiffDeep', () => {
  it('does not emit an event when an object is set to an equivalent object', () => {
    const model = createModel();
    model.set('_page.color', { name: 'green' });
    const heard = heardAll(model);
    model.setDiffDeep('_page.color', { name: 'green' });
    expect(heard()).toEqual([]);
  });
  it('does not emit an event when an array is set to an equivalent array', () => {
    const model = createModel();
    model.set('_page.list', [2, 3, 4]);
    const heard = heardAll(model);
    model.setDiffDeep('_page.list', [2, 3, 4]);
    expect(heard()).toEqual([]);
  });
  it('does not emit an event when a deep object / array is set to an equivalent value', () => {
    const model = createModel();
    model.set('_page.lists', { a: [2, 3], b: [1], _meta: { foo: 'bar' } });
    const heard = heardAll(model);
    model.setDiffDeep('_page.lists', { a: [2, 3], b: [1], _meta: { foo: 'bar' } });
    expect(heard()).toEqual([]);
  });
  it('equivalent objects ignore key order', () => {
    const model = createModel();
    model.set('_page.lists', { a: [2, 3], b: [1] });
    const heard = heardAll(model);
    model.setDiffDeep('_page.lists', { b: [1], a: [2, 3] });
    expect(heard()).toEqual([]);
  });
  it('adds items to an array', () => {
    const model = createModel();
    model.set('_page.items', [4]);
    const heard = heardAll(model);
    model.setDiffDeep('_page.items', [2, 3, 4]);
    expect(heard()).toEqual([[['_page', 'items'], 'insert', [2, 3], undefined, 0]]);
  });
  it('adds items to an array in an object', () => {
    const model = createModel();
    model.set('_page.lists', { a: [4] });
    const heard = heardAll(model);
    model.setDiffDeep('_page.lists', { a: [2, 3, 4] });
    expect(heard()).toEqual([[['_page', 'lists', 'a'], 'insert', [2, 3], undefined, 0]]);
  });
  it('emits a delete event when a key is removed from an object', () => {
    const model = createModel();
    model.set('_page.color', { hex: '#0f0', name: 'green' });
    const heard = heardAll(model);
    model.setDiffDeep('_page.color', { name: 'green' });
    expect(model.get('_page.color')).toEqual({ name: 'green' });
    expect(heard()).toEqual([[['_page', 'color', 'hex'], 'change', undefined, '#0f0', undefined]]);
  });
});

describe('setArrayDiff', () => {
  it('does not emit an event when an array is set to an equivalent array', () => {
    const model = createModel();
    model.set('_page.list', [2, 3, 4]);
    const heard = heardAll(model);
    model.setArrayDiff('_page.list', [2, 3, 4]);
    expect(heard()).toEqual([]);
  });
  // yracer: the remove and insert at the same index are reported as a `change` of each element (model.md: "Removing values and inserting as many at the same index ... is reported as a `change` of each element"), Racer a remove and an insert
  it.skip('emits an event when objects in an array are set to an equivalent array', () => {
    const model = createModel();
    model.set('_page.list', [{ a: 2 }, { c: 3 }, { b: 4 }]);
    const heard = heardAll(model);
    model.setArrayDiff('_page.list', [{ a: 2 }, { c: 3 }, { b: 4 }]);
    const values = [{ a: 2 }, { c: 3 }, { b: 4 }];
    expect(heard()).toEqual([
      [['_page', 'list'], 'remove', values, undefined, 0],
      [['_page', 'list'], 'insert', values, undefined, 0],
    ]);
  });
});

describe('setArrayDiffDeep', () => {
  it('does not emit an event when an array is set to an equivalent array', () => {
    const model = createModel();
    model.set('_page.list', [2, 3, 4]);
    const heard = heardAll(model);
    model.setArrayDiffDeep('_page.list', [2, 3, 4]);
    expect(heard()).toEqual([]);
  });
  it('does not emit an event when objects in an array are set to an equivalent array', () => {
    const model = createModel();
    model.set('_page.list', [{ a: 2 }, { c: 3 }, { b: 4 }]);
    const heard = heardAll(model);
    model.setArrayDiffDeep('_page.list', [{ a: 2 }, { c: 3 }, { b: 4 }]);
    expect(heard()).toEqual([]);
  });
});
