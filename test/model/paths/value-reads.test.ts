import { describe, expect, it } from 'vitest';
import { createModel } from '../../../src/index.ts';

describe('getOrDefault', () => {
  it('returns the value when there is one and the fallback when it is undefined or null, writing nothing', () => {
    const model = createModel();
    model.set('_page.a', { zero: 0, empty: '', nil: null, no: false });
    expect(model.getOrDefault('_page.a.zero', 5)).toBe(0);
    expect(model.getOrDefault('_page.a.empty', 'x')).toBe('');
    expect(model.getOrDefault('_page.a.no', true)).toBe(false);
    expect(model.getOrDefault('_page.a.nil', 'fallback')).toBe('fallback');
    expect(model.getOrDefault('_page.a.missing', 'fallback')).toBe('fallback');
    expect(model.get('_page.a.missing')).toBeUndefined();
    expect(model.at('_page.a').getOrDefault('zero', 1)).toBe(0);
  });
});

describe('getOrThrow', () => {
  it('returns the value, and throws a RangeError naming the path when it is undefined or null', () => {
    const model = createModel();
    model.set('_page.a', { n: 1, nil: null });
    expect(model.getOrThrow('_page.a.n')).toBe(1);
    expect(() => model.getOrThrow('_page.a.nil')).toThrow(RangeError);
    expect(() => model.at('_page.a').getOrThrow('missing')).toThrow(/getOrThrow\('_page\.a\.missing'\): there is no value at _page\.a\.missing/);
  });
});

describe('getValues', () => {
  it("returns an object's values, an array's elements, and [] when nothing is there", () => {
    const model = createModel();
    model.set('_page.colors', { a: { name: 'red' }, b: { name: 'blue' } });
    model.set('_page.list', [1, 2]);
    expect(model.getValues('_page.colors')).toEqual([{ name: 'red' }, { name: 'blue' }]);
    const list = model.getValues<number>('_page.list');
    expect(list).toEqual([1, 2]);
    list.push(3); // a new array
    expect(model.get('_page.list')).toEqual([1, 2]);
    expect(model.getValues('_page.none')).toEqual([]);
  });

  it('lists the documents of a collection', () => {
    const model = createModel();
    model.add('todos', { id: 'a', title: 'A' });
    model.add('todos', { id: 'b', title: 'B' });
    expect(model.getValues<{ title: string }>('todos').map((todo) => todo.title).sort()).toEqual(['A', 'B']);
  });

  it('throws a TypeError for a primitive', () => {
    const model = createModel();
    model.set('_page.n', 3);
    expect(() => model.getValues('_page.n')).toThrow(TypeError);
  });
});

describe('getCopy and getDeepCopy', () => {
  it('gives a mutable shallow copy whose children are the frozen snapshot parts', () => {
    const model = createModel();
    model.set('_page.a', { tags: ['x'], n: 1 });
    const copy = model.getCopy<{ tags: string[]; n: number; extra?: boolean }>('_page.a') as { tags: string[]; n: number; extra?: boolean };
    copy.extra = true;
    copy.n = 2;
    expect(model.get('_page.a')).toEqual({ tags: ['x'], n: 1 });
    expect(copy.tags).toBe(model.get('_page.a.tags'));
    expect(Object.isFrozen(copy)).toBe(false);
  });

  it('gives a deep copy that can be changed at any depth without touching the model', () => {
    const model = createModel();
    model.set('_page.a', { tags: ['x'], meta: { by: 'ann' } });
    const copy = model.getDeepCopy<{ tags: string[]; meta: { by: string } }>('_page.a') as { tags: string[]; meta: { by: string } };
    copy.tags.push('y');
    copy.meta.by = 'bob';
    expect(model.get('_page.a')).toEqual({ tags: ['x'], meta: { by: 'ann' } });
    expect(model.getDeepCopy('_page.missing')).toBeUndefined();
    expect(model.getCopy('_page.a.tags.0')).toBe('x');
  });
});

describe('get of length', () => {
  it("reads an array's or a string's length at `.length`, as Racer does, and an object's own length key as a key", () => {
    const model = createModel();
    model.set('_page.b', { list: [1, 2, 3], text: 'hello', obj: { length: 'own' }, plain: {} });
    expect(model.get('_page.b.list.length')).toBe(3);
    expect(model.get('_page.b.text.length')).toBe(5);
    expect(model.get('_page.b.obj.length')).toBe('own');
    expect(model.get('_page.b.plain.length')).toBeUndefined();
    expect(model.get('_page.missing.length')).toBeUndefined();
  });
});
