import { describe, expect, it } from 'vitest';
import { createModel } from '../../../src/index.ts';

describe('fn and evaluate', () => {
  it('evaluates a named getter with the values at the input paths', () => {
    const model = createModel();
    model.fn('sum', (a: number, b: number) => a + b);
    model.set('_nums.a', 2);
    model.set('_nums.b', 4);
    expect(model.evaluate('_nums.a', '_nums.b', 'sum')).toBe(6);
  });

  it('evaluates a { get } object, var-args and one array of inputs', () => {
    const model = createModel();
    model.fn('sum', { get: (...values: number[]) => values.reduce((a, b) => a + b, 0) });
    model.setEach('_nums.x', { a: 2, b: 4, c: 7 });
    expect(model.evaluate('_nums.x.a', '_nums.x.b', '_nums.x.c', 'sum')).toBe(13);
    expect(model.evaluate(['_nums.x.a', '_nums.x.b'], 'sum')).toBe(6);
  });

  it('resolves input paths relative to a scoped model', () => {
    const model = createModel();
    const $nums = model.at('_nums.x');
    $nums.set('a', 2);
    $nums.set('b', 4);
    expect($nums.evaluate('a', 'b', (a: number, b: number) => a + b)).toBe(6);
  });

  it('evaluates a function given directly without registering it', () => {
    const model = createModel();
    model.set('_page.user', { first: 'Ada', last: 'Lovelace' });
    expect(model.evaluate('_page.user.first', '_page.user.last', (a: string, b: string) => `${a} ${b}`)).toBe('Ada Lovelace');
  });

  it('gives frozen snapshots by default and mutable copies with copy: input', () => {
    const model = createModel();
    model.set('_page.list', [3, 1, 2]);
    expect(() => model.evaluate('_page.list', (list: number[]) => list.sort())).toThrow(TypeError);
    expect(model.evaluate('_page.list', { copy: 'input' }, (list: number[]) => list.sort())).toEqual([1, 2, 3]);
    expect(model.get('_page.list')).toEqual([3, 1, 2]);
  });

  it('returns a mutable copy of the result by default and the value itself with copy: none', () => {
    const model = createModel();
    model.set('_page.obj', { a: 1 });
    const snapshot = model.get('_page.obj');
    expect(model.evaluate('_page.obj', { copy: 'none' }, (o: unknown) => o)).toBe(snapshot);
    const copy = model.evaluate<{ a: number }>('_page.obj', (o: unknown) => o);
    expect(copy).toEqual({ a: 1 });
    expect(copy).not.toBe(snapshot);
    copy.a = 2;
    expect(model.get('_page.obj.a')).toBe(1);
  });

  it('knows the built-in asc, desc and reverse', () => {
    const model = createModel();
    model.set('_page.list', [1, 2, 3]);
    expect(model.evaluate('_page.list', 'reverse')).toEqual([3, 2, 1]);
  });

  it('lets a name given to fn take the place of a built-in one', () => {
    const model = createModel();
    model.set('_page.list', [1, 2, 3]);
    model.fn('reverse', (list: number[]) => list.length);
    expect(model.evaluate('_page.list', 'reverse')).toBe(3);
  });
});

describe('fn and evaluate: bad input', () => {
  it('names an unknown function', () => {
    const model = createModel();
    expect(() => model.evaluate('_page.a', 'nope')).toThrow(/no function named "nope": register it first with model\.fn\('nope', fn\)/);
  });

  it('refuses a name or function that is not one', () => {
    const model = createModel();
    expect(() => model.fn('', () => 1)).toThrow(/the name must be a non-empty string/);
    expect(() => model.fn('x', 42 as never)).toThrow(/fn\('x'\): expected a function or \{ get, set\? \}, got number/);
    expect(() => model.fn('x', { set: () => [] } as never)).toThrow(/expected a function/);
  });

  it('refuses a last argument that is neither a function nor a name', () => {
    const model = createModel();
    expect(() => model.evaluate('_page.a', 42 as never)).toThrow(/the last argument must be a function/);
  });

  it('refuses unknown options and bad option values', () => {
    const model = createModel();
    expect(() => model.evaluate('_page.a', { mode: 'fast' } as never, () => 1)).toThrow(/mode must be one of diffDeep, diff, arrayDeep, array/);
    expect(() => model.evaluate('_page.a', { copy: 'all' } as never, () => 1)).toThrow(/copy must be one of/);
    expect(() => model.evaluate('_page.a', { speed: 1 } as never, () => 1)).toThrow(/unknown option "speed"/);
  });

  it('refuses an invalid input path', () => {
    const model = createModel();
    expect(() => model.evaluate('_page..a', () => 1)).toThrow(/invalid input path: it has an empty segment/);
    expect(() => model.evaluate(null as never, () => 1)).toThrow(/input paths must be strings \(or one array of them\), got null/);
  });
});
