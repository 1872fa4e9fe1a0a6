import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../../src/index.ts';

const NUMBERS = [0, 3, 4, 1, 2, 3, 0];

function numbers(): Model {
  const model = createModel().at('_page');
  NUMBERS.forEach((n, i) => model.set(`numbers.k${i}`, n));
  return model;
}

const even = (n: number): boolean => n % 2 === 0;

interface Color {
  readonly id: string;
  readonly name: string;
  readonly primary: boolean;
}

describe('filter: getting', () => {
  it('filters the items of an object, in the object order', () => {
    expect(numbers().filter('numbers', even).get()).toEqual([0, 4, 2, 0]);
  });

  it('sorts the items with asc (the default), desc or a function', () => {
    const model = numbers();
    expect(model.sort('numbers').get()).toEqual([0, 0, 1, 2, 3, 3, 4]);
    expect(model.sort('numbers', 'asc').get()).toEqual([0, 0, 1, 2, 3, 3, 4]);
    expect(model.sort('numbers', 'desc').get()).toEqual([4, 3, 3, 2, 1, 0, 0]);
    expect(model.sort('numbers', (a: number, b: number) => b - a).get()).toEqual([4, 3, 3, 2, 1, 0, 0]);
  });

  it('filters by a name given to fn, and chains .sort()', () => {
    const model = numbers();
    model.fn('even', even);
    expect(model.filter('numbers', 'even').sort().get()).toEqual([0, 0, 2, 4]);
  });

  it('gives additional inputs after the items, as var-args or one array', () => {
    const model = numbers();
    model.set('mod', 3);
    model.set('offset', 0);
    const fn = (n: number, _key: string, _items: unknown, mod: number, offset: number): boolean => n % mod === offset;
    expect(model.filter('numbers', 'mod', 'offset', fn).get()).toEqual([0, 3, 3, 0]);
    expect(model.filter('numbers', ['mod', 'offset'], fn).get()).toEqual([0, 3, 3, 0]);
  });

  it('applies skip and limit (limit 0: no limit)', () => {
    const model = numbers();
    model.set('mod', 3);
    model.set('offset', 0);
    const fn = (n: number, _key: string, _items: unknown, mod: number, offset: number): boolean => n % mod === offset;
    expect(model.filter('numbers', ['mod', 'offset'], { skip: 2 }, fn).get()).toEqual([3, 0]);
    expect(model.sort('numbers', { skip: 1, limit: 3 }, 'asc').get()).toEqual([0, 1, 2]);
    expect(model.sort('numbers', { limit: 0 }, 'asc').get()).toHaveLength(7);
  });

  it('gives the keys with ids(), and the key and all items to the function', () => {
    const model = numbers();
    const filter = model.filter('numbers', (n: number, key: string, items: Record<string, number>) => key !== 'k0' && items[key] === n && n === 0);
    expect(filter.ids()).toEqual(['k6']);
    expect(filter.get()).toEqual([0]);
  });

  it('filters the documents of a collection and the elements of an array (keys are indices)', () => {
    const model = createModel();
    model.add('todos', { id: 'a', done: false, rank: 2 });
    model.add('todos', { id: 'b', done: true, rank: 1 });
    model.add('todos', { id: 'c', done: false, rank: 0 });
    type Todo = { done: boolean; rank: number };
    const open = model.filter('todos', (todo: Todo) => !todo.done).sort((a: Todo, b: Todo) => a.rank - b.rank);
    expect(open.ids()).toEqual(['c', 'a']);
    model.set('_page.list', [5, 6, 7, 8]);
    const odd = model.filter('_page.list', (n: number) => n % 2 === 1);
    expect(odd.get()).toEqual([5, 7]);
    expect(odd.ids()).toEqual(['0', '2']);
  });

  it('returns the same array while nothing changed, and follows changes while detached', () => {
    const model = numbers();
    const filter = model.filter('numbers', even);
    const first = filter.get();
    expect(filter.get()).toBe(first);
    model.set('numbers.k1', 8);
    expect(filter.get()).toEqual([0, 8, 4, 2, 0]);
    model.set('other', 1);
    expect(filter.get()).toEqual([0, 8, 4, 2, 0]);
  });
});

describe('filter: live', () => {
  function colors(): { model: Model; green: string; red: string } {
    const model = createModel().at('_page');
    const green = model.add('colors', { name: 'green', primary: true });
    model.add('colors', { name: 'orange', primary: false });
    const red = model.add('colors', { name: 'red', primary: true });
    return { model, green, red };
  }

  it('updates as items change, are added and are removed', () => {
    const { model, green, red } = colors();
    const filter = model.filter('colors', (color: Color) => color.primary);
    let changes = 0;
    filter.on('change', () => changes++);
    expect(filter.get().map((color) => color.name)).toEqual(['green', 'red']);
    model.set(`colors.${green}.primary`, false);
    expect(filter.get().map((color) => color.name)).toEqual(['red']);
    model.add('colors', { name: 'yellow', primary: true });
    expect(filter.get().map((color) => color.name)).toEqual(['red', 'yellow']);
    model.del(`colors.${red}`);
    expect(filter.get().map((color) => color.name)).toEqual(['yellow']);
    expect(changes).toBe(3);
  });

  it('moves a changed item to its sorted place, and does not signal changes outside the result', () => {
    const { model, green } = colors();
    const filter = model.filter('colors', (color: Color) => color.primary).sort((a: Color, b: Color) => a.name.localeCompare(b.name));
    let changes = 0;
    filter.on('change', () => changes++);
    expect(filter.get().map((color) => color.name)).toEqual(['green', 'red']);
    model.set(`colors.${green}.name`, 'teal');
    expect(filter.get().map((color) => color.name)).toEqual(['red', 'teal']);
    expect(changes).toBe(1);
    model.add('colors', { name: 'black', primary: false });
    expect(changes).toBe(1);
  });

  it('gives the function a read-only view of all items while following changes', () => {
    const model = numbers();
    const filter = model.filter('numbers', (n: number, key: string, items: Record<string, number>) => Object.keys(items).length >= 7 && key in items && items[key] === n && n > 3);
    filter.on('change', () => undefined);
    expect(filter.get()).toEqual([4]);
    model.set('numbers.k7', 9);
    model.set('numbers.k1', 5);
    expect(filter.get()).toEqual([5, 4, 9]);
    expect(filter.get()).toEqual(model.filter('numbers', (n: number) => n > 3).get());
  });

  it('filters everything again when an additional input changes', () => {
    const model = numbers();
    model.set('mod', 3);
    model.set('offset', 0);
    const filter = model.filter('numbers', 'mod', 'offset', (n: number, _k: string, _i: unknown, mod: number, offset: number) => n % mod === offset);
    const seen: Array<readonly number[]> = [];
    filter.on('change', () => seen.push(filter.get()));
    model.set('offset', 1);
    expect(filter.get()).toEqual([4, 1]);
    model.set('mod', 2);
    expect(filter.get()).toEqual([3, 1, 3]);
    expect(seen).toEqual([[4, 1], [3, 1, 3]]);
  });

  it('signals a change of the window only when it shows something else', () => {
    const model = numbers();
    const filter = model.sort('numbers', { limit: 2 }, 'asc');
    let changes = 0;
    filter.on('change', () => changes++);
    expect(filter.get()).toEqual([0, 0]);
    model.set('numbers.k2', 5); // 4 -> 5 at the end: outside the window
    expect(changes).toBe(0);
    model.set('numbers.k3', -1);
    expect(filter.get()).toEqual([-1, 0]);
    expect(changes).toBe(1);
  });

  it('follows the whole input being replaced or deleted', () => {
    const model = numbers();
    const filter = model.filter('numbers', even);
    filter.on('change', () => undefined);
    model.set('numbers', { x: 2, y: 3 });
    expect(filter.get()).toEqual([2]);
    model.del('numbers');
    expect(filter.get()).toEqual([]);
  });

  it('keeps the ids at a local path with refIds, and deletes them on destroy', () => {
    const { model, green } = colors();
    const filter = model.filter('colors', (color: Color) => color.primary).refIds('_page.primaryIds');
    expect(model.get('primaryIds')).toEqual(filter.ids());
    model.set(`colors.${green}.primary`, false);
    expect(model.get('primaryIds')).toEqual(filter.ids());
    expect(filter.ids()).toHaveLength(1);
    filter.destroy();
    expect(model.get('primaryIds')).toBeUndefined();
    model.set(`colors.${green}.primary`, true);
    expect(model.get('primaryIds')).toBeUndefined();
  });

  it('writes one insert, remove or move at the refIds path for one item that came, went or moved', () => {
    const model = numbers();
    model.sort('numbers', 'asc').refIds('_page.ids');
    const events: string[] = [];
    model.on('all', 'ids.**', (event) => events.push(event.type));
    model.set('numbers.k2', -5); // 4 moves to the front
    model.set('numbers.k9', 7);
    model.del('numbers.k0');
    expect(events).toEqual(['move', 'insert', 'remove']);
    expect(model.get('ids')).toEqual(model.sort('numbers', 'asc').ids());
    model.set('ids', ['x']); // someone else wrote the array: the next change diffs it back
    model.set('numbers.k1', 100);
    expect(model.get('ids')).toEqual(model.sort('numbers', 'asc').ids());
  });

  it('keeps the ids at a hidden $ path too (where ref() will keep them)', () => {
    const { model } = colors();
    const filter = model.filter('colors', (color: Color) => color.primary).refIds('$filters._page~primary');
    expect(model.scope().get('$filters._page~primary')).toEqual(filter.ids());
    filter.destroy();
    expect(model.scope().get('$filters._page~primary')).toBeUndefined();
  });

  it('stops following the model when the last listener leaves', () => {
    const model = numbers();
    const before = model.scope().store.bus.size;
    const filter = model.filter('numbers', even);
    const stop = filter.on('change', () => undefined);
    expect(model.scope().store.bus.size).toBeGreaterThan(before);
    stop();
    expect(model.scope().store.bus.size).toBe(before);
    model.set('numbers.k1', 10);
    expect(filter.get()).toEqual([0, 10, 4, 2, 0]);
  });

  it('agrees with a fresh evaluation after many random changes', () => {
    const model = createModel();
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 60; i++) model.add('items', { id: `i${i}`, n: random(20), on: random(2) === 0 });
    model.set('_page.min', 5);
    type Item = { n: number; on: boolean };
    const test = (item: Item, _k: string, _all: unknown, min: number): boolean => item.on && item.n >= min;
    const compare = (a: Item, b: Item): number => a.n - b.n;
    const live = model.filter('items', '_page.min', { skip: 3, limit: 10 }, test).sort(compare);
    live.on('change', () => undefined);
    for (let step = 0; step < 300; step++) {
      const id = `i${random(70)}`;
      const action = random(10);
      if (action === 0) model.del(`items.${id}`);
      else if (action === 1) model.set('_page.min', random(10));
      else if (model.get(`items.${id}`)) model.set(`items.${id}.${random(2) === 0 ? 'n' : 'on'}`, random(2) === 0 ? random(20) : random(2) === 0);
      else model.add('items', { id, n: random(20), on: true });
      const fresh = model.filter('items', '_page.min', { skip: 3, limit: 10 }, test).sort(compare);
      expect(live.get().map((item) => item.n)).toEqual(fresh.get().map((item) => item.n));
    }
  });
});

describe('filter: loops', () => {
  it('stops a filter and a function that keep feeding each other, with an error', () => {
    const model = createModel();
    model.set('_page.items', { a: 1, b: 2 });
    model.sort('_page.items', 'asc').refIds('_page.ids');
    let k = 0;
    // Each run moves `n` to the other end of the sort, which changes the ids, which runs it again.
    const flip = (): number => (k++ % 2 === 0 ? -1000 - k : 1000 + k);
    expect(() => model.start('_page.items.n', '_page.ids', flip)).toThrow(/chain of 100 reactive writes/);
    expect(k).toBeLessThanOrEqual(101);
    const runs = k;
    model.set('_page.items.a', 5);
    expect(k).toBe(runs);
  });
});

describe('filter: bad input', () => {
  it('names an unknown filter or sort function', () => {
    const model = numbers();
    expect(() => model.filter('numbers', 'nope')).toThrow(/yracer filter\('_page\.numbers'\): no function named "nope"/);
    expect(() => model.sort('numbers', 'nope')).toThrow(/yracer sort\('_page\.numbers'\): no function named "nope"/);
  });

  it('refuses bad skip or limit, a bad path, a bad function and a refIds path that is not local', () => {
    const model = numbers();
    expect(() => model.filter('numbers', { skip: -1 }, even)).toThrow(/skip must be an integer >= 0, got -1/);
    expect(() => model.filter('numbers', { limit: 1.5 }, even)).toThrow(/limit must be an integer >= 0/);
    expect(() => model.scope().filter('', even)).toThrow(/invalid input path/);
    expect(() => model.filter('numbers', 5 as never)).toThrow(/expected a function or the name given to model\.fn\(\), got number/);
    expect(() => model.filter('numbers', even).refIds('todos.a.ids')).toThrow(/refIds\('todos\.a\.ids'\): the ids go to a local path/);
    expect(() => model.filter('numbers', even).on('insert' as never, () => undefined)).toThrow(/the only event is 'change'/);
  });
});
