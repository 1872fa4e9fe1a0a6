import { afterEach, describe, expect, it, vi } from 'vitest';
import { createModel, type Model } from '../../src/index.ts';

interface Todo {
  title: string;
  tags: string[];
  meta: { n: number };
  list: Array<{ k: number }>;
}

function twoTodos(options?: { freeze: boolean }): Model {
  const model = createModel(options);
  model.set('todos.a', { title: 'Milk', tags: ['x'], meta: { n: 1 }, list: [{ k: 1 }, { k: 2 }] });
  model.set('todos.b', { title: 'Eggs' });
  model.set('users.u', { name: 'Ann' });
  return model;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('snapshot sharing', () => {
  it('rebuilds only the changed node and its ancestors', () => {
    const model = twoTodos();
    const a = model.get<Todo>('todos.a');
    const b = model.get('todos.b');
    const tags = model.get('todos.a.tags');
    const meta = model.get('todos.a.meta');
    model.set('todos.a.title', 'x');
    expect(model.get('todos.b')).toBe(b);
    expect(model.get('todos.a.tags')).toBe(tags);
    expect(model.get('todos.a.meta')).toBe(meta);
    expect(model.get('todos.a')).not.toBe(a);
    expect(model.get('todos.a')).toEqual({ ...a, title: 'x' });
    expect(a?.title).toBe('Milk');
  });

  it('keeps unchanged array elements when one element changes', () => {
    const model = twoTodos();
    const list = model.get<Todo['list']>('todos.a.list');
    model.set('todos.a.list.1.k', 9);
    const after = model.get<Todo['list']>('todos.a.list');
    expect(after).not.toBe(list);
    expect(after?.[0]).toBe(list?.[0]);
    expect(after?.[1]).toEqual({ k: 9 });
  });

  it('shares document snapshots with the collection and root snapshots', () => {
    const model = twoTodos();
    const users = model.get('users');
    model.set('todos.a.title', 'x');
    const todos = model.get<Record<string, unknown>>('todos');
    expect(todos?.['a']).toBe(model.get('todos.a'));
    expect(todos?.['b']).toBe(model.get('todos.b'));
    expect(model.get('users')).toBe(users);
    expect(model.get<Record<string, unknown>>()?.['todos']).toBe(todos);
  });

  it('returns the same object when read twice without changes', () => {
    const model = twoTodos();
    expect(model.get('todos.a')).toBe(model.get('todos.a'));
    expect(model.get('todos.a.list')).toBe(model.get('todos.a.list'));
    expect(model.get('todos')).toBe(model.get('todos'));
    expect(model.get()).toBe(model.get());
  });

  it('gives new collection and root snapshots after a change', () => {
    const model = twoTodos();
    const todos = model.get('todos');
    const root = model.get();
    model.set('todos.b.done', true);
    expect(model.get('todos')).not.toBe(todos);
    expect(model.get()).not.toBe(root);
    expect(model.get('todos.b')).toEqual({ title: 'Eggs', done: true });
  });

  it('sees a silent write', () => {
    const model = twoTodos();
    const a = model.get('todos.a');
    model.silent().set('todos.a.title', 'S');
    expect(model.get('todos.a')).not.toBe(a);
    expect(model.get('todos.a.title')).toBe('S');
  });
});

describe('frozen snapshots', () => {
  it('freezes every node by default, so mutation throws', () => {
    const model = twoTodos();
    model.set('_page.obj', { deep: { x: [1] } });
    const a = model.get<Todo>('todos.a');
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a?.tags)).toBe(true);
    expect(Object.isFrozen(a?.list[0])).toBe(true);
    expect(Object.isFrozen(model.get('todos'))).toBe(true);
    expect(Object.isFrozen(model.get())).toBe(true);
    expect(Object.isFrozen(model.get<{ deep: { x: number[] } }>('_page.obj')?.deep.x)).toBe(true);
    expect(() => {
      (a as Todo).title = 'y';
    }).toThrow(TypeError);
    expect(() => (a as Todo).tags.push('z')).toThrow(TypeError);
    expect(model.get('todos.a.title')).toBe('Milk');
  });

  it('does not freeze with freeze: false', () => {
    const model = twoTodos({ freeze: false });
    model.set('_page.obj', { deep: { x: [1] } });
    const a = model.get<Todo>('todos.a');
    expect(Object.isFrozen(a)).toBe(false);
    expect(Object.isFrozen(a?.tags)).toBe(false);
    expect(Object.isFrozen(model.get('todos'))).toBe(false);
    expect(Object.isFrozen(model.get())).toBe(false);
    expect(Object.isFrozen(model.get<{ deep: { x: number[] } }>('_page.obj')?.deep)).toBe(false);
  });

  it('does not freeze by default in production', () => {
    vi.stubEnv('NODE_ENV', 'production');
    expect(Object.isFrozen(twoTodos().get('todos.a'))).toBe(false);
    expect(Object.isFrozen(twoTodos({ freeze: true }).get('todos.a'))).toBe(true);
  });
});

describe('reading paths', () => {
  it('reads a collection as an object of its existing documents', () => {
    const model = twoTodos();
    model.del('todos.a');
    expect(model.get('todos')).toEqual({ b: { title: 'Eggs' } });
  });

  it('reads the root as an object of non-empty collections', () => {
    const model = twoTodos();
    model.set('_page.title', 'T');
    model.del('users.u');
    expect(model.get()).toEqual({
      todos: { a: model.get('todos.a'), b: { title: 'Eggs' } },
      _page: { title: 'T' },
    });
    expect(createModel().get()).toEqual({});
  });

  it('gives undefined for missing paths', () => {
    const model = twoTodos();
    expect(model.get('nope')).toBeUndefined();
    expect(model.get('todos.nope')).toBeUndefined();
    expect(model.get('todos.nope.title')).toBeUndefined();
    expect(model.get('todos.a.nope')).toBeUndefined();
    expect(model.get('todos.a.nope.deeper')).toBeUndefined();
    expect(model.get('todos.a.tags.5')).toBeUndefined();
  });

  it('gives undefined through strings, numbers and array properties other than length (which reads the length, as in Racer)', () => {
    const model = twoTodos();
    expect(model.get('todos.a.title.length')).toBe((model.get<string>('todos.a.title') ?? '').length);
    expect(model.get('todos.a.title.0')).toBeUndefined();
    expect(model.get('todos.a.meta.n.x')).toBeUndefined();
    expect(model.get('todos.a.tags.length')).toBe((model.get<unknown[]>('todos.a.tags') ?? []).length);
    expect(model.get('todos.a.tags.push')).toBeUndefined();
    expect(model.get('todos.a.constructor')).toBeUndefined();
    expect(model.get('todos.a.meta.toString')).toBeUndefined();
  });

  it('reads lengths and gives undefined through other properties of strings and arrays before anything was cached', () => {
    const model = createModel();
    model.silent().set('todos.a', { title: 'Milk', tags: ['x'] });
    expect(model.get('todos.a.title.length')).toBe(4);
    expect(model.get('todos.a.tags.length')).toBe(1);
    expect(model.get('todos.a.title.at')).toBeUndefined();
    expect(model.get('todos.a.constructor')).toBeUndefined();
    expect(model.get('todos.a.tags.0')).toBe('x');
  });

  it('reads counters as numbers and texts as strings', () => {
    const model = twoTodos();
    model.increment('todos.a.count', 3);
    model.stringInsert('todos.a.title', 1, 'y');
    expect(model.get('todos.a.count')).toBe(3);
    expect(model.get('todos.a.title')).toBe('Myilk');
    expect(model.get<Record<string, unknown>>('todos.a')).toMatchObject({ count: 3, title: 'Myilk' });
    expect(model.get('todos.a.count.x')).toBeUndefined();
    expect(model.get('todos.a.title.0')).toBeUndefined();
  });

  it('throws for an invalid path', () => {
    const model = twoTodos();
    expect(() => model.get('todos..a')).toThrow(/invalid path/);
    expect(() => model.get('1todos')).toThrow(/invalid path/);
  });
});
