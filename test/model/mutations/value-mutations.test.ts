import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';

/** Collects every event the model emits from now on. */
function record(model: Model): ModelEvent[] {
  const events: ModelEvent[] = [];
  model.on('all', (event) => events.push(event));
  return events;
}

const byPath = (events: readonly ModelEvent[]): ModelEvent[] => [...events].sort((a, b) => a.path.localeCompare(b.path));

/** Exchanges the full state of one document between two models, both ways. */
function exchange(a: Model, b: Model, path: string): void {
  const fromA = Y.encodeStateAsUpdate(a.yDoc(path));
  const fromB = Y.encodeStateAsUpdate(b.yDoc(path));
  Y.applyUpdate(a.yDoc(path), fromB);
  Y.applyUpdate(b.yDoc(path), fromA);
}

// Full local event objects, as a listener receives them.
const change = (path: string, value: unknown, previous: unknown): ModelEvent =>
  ({ type: 'change', path, value, previous, passed: {}, remote: false });
const insert = (path: string, index: number, values: unknown[]): ModelEvent =>
  ({ type: 'insert', path, index, values, passed: {}, remote: false });
const remove = (path: string, index: number, removed: unknown[]): ModelEvent =>
  ({ type: 'remove', path, index, removed, passed: {}, remote: false });

describe('set', () => {
  it('returns the previous value and reports one change when a field is replaced', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk' });
    const events = record(model);
    expect(model.set('todos.a.title', 'x')).toBe('Milk');
    expect(model.get('todos.a')).toEqual({ title: 'x' });
    expect(events).toEqual([change('todos.a.title', 'x', 'Milk')]);
  });

  it('creates missing parents (arrays before an index) and reports where they were created and, for objects, down to the path written', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk' });
    const events = record(model);
    expect(model.set('todos.a.meta.x', 1)).toBeUndefined();
    expect(model.set('todos.a.grid.0.0', 1)).toBeUndefined();
    expect(model.get('todos.a')).toEqual({ title: 'Milk', meta: { x: 1 }, grid: [[1]] });
    expect(events).toEqual([change('todos.a.meta', { x: 1 }, undefined), change('todos.a.meta.x', 1, undefined), change('todos.a.grid', [[1]], undefined)]);
  });

  it('replaces an array element in place and reports a change of that element', () => {
    const model = createModel();
    model.set('todos.a', { list: ['q', 'r'] });
    const events = record(model);
    expect(model.set('todos.a.list.0', 'x')).toBe('q');
    expect(model.set('todos.a.list.2', 's')).toBeUndefined();
    expect(model.get('todos.a.list')).toEqual(['x', 'r', 's']);
    expect(events).toEqual([change('todos.a.list.0', 'x', 'q'), insert('todos.a.list', 2, ['s'])]);
  });

  it('reports replacing an array element by an equal value as a change, not a move', () => {
    const model = createModel();
    model.set('todos.a', { list: ['q', 'r'] });
    const events = record(model);
    expect(model.set('todos.a.list.0', 'q')).toBe('q');
    expect(model.get('todos.a.list')).toEqual(['q', 'r']);
    expect(events).toEqual([change('todos.a.list.0', 'q', 'q')]);
  });

  it('reports a change at the path written when it creates a document, after one at the document path', () => {
    const model = createModel();
    const events = record(model);
    expect(model.set('todos.a.title', 'Milk')).toBeUndefined();
    expect(model.set('todos.b', { title: 'n', tags: [] })).toBeUndefined();
    expect(events).toEqual([
      change('todos.a', { title: 'Milk' }, undefined),
      change('todos.a.title', 'Milk', undefined),
      change('todos.b', { title: 'n', tags: [] }, undefined),
      change('todos.b.tags', [], undefined),
      change('todos.b.title', 'n', undefined),
    ]);
  });

  it("lets a pattern listener hear a document's first write, and a listener write to the new document from inside it", () => {
    const model = createModel();
    const heard: unknown[] = [];
    model.on('change', 'todos.*.done', (event, [id]) => {
      heard.push([id, event.value]);
      if (event.value === true) model.set(`todos.${id}.doneAt`, 1);
    });
    model.set('todos.a.done', true);
    expect(heard).toEqual([['a', true]]);
    expect(model.get('todos.a')).toEqual({ done: true, doneAt: 1 });
  });

  it('replaces every field of an existing document and reports each field', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk', done: false, tags: ['x'] });
    const events = record(model);
    expect(model.set('todos.a', { title: 'Eggs', done: true, note: 'n' })).toEqual({ title: 'Milk', done: false, tags: ['x'] });
    expect(model.get('todos.a')).toEqual({ title: 'Eggs', done: true, note: 'n' });
    expect(byPath(events)).toEqual([
      change('todos.a.done', true, false),
      change('todos.a.note', 'n', undefined),
      change('todos.a.tags', undefined, ['x']),
      change('todos.a.title', 'Eggs', 'Milk'),
    ]);
  });

  it('deletes a document set to undefined or to an empty object', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk' });
    model.set('todos.b', { title: 'Eggs' });
    const events = record(model);
    expect(model.set('todos.a', undefined)).toEqual({ title: 'Milk' });
    expect(model.set('todos.b', {})).toEqual({ title: 'Eggs' });
    expect(model.get('todos')).toEqual({});
    expect(events).toEqual([
      change('todos.a.title', undefined, 'Milk'),
      change('todos.a', undefined, { title: 'Milk' }),
      change('todos.b.title', undefined, 'Eggs'),
      change('todos.b', undefined, { title: 'Eggs' }),
    ]);
  });

  it('throws for a document value that is not an object and changes nothing', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk' });
    const events = record(model);
    expect(() => model.set('todos.a', 5)).toThrow(TypeError);
    expect(() => model.set('todos.a', ['x'])).toThrow(TypeError);
    expect(model.get('todos.a')).toEqual({ title: 'Milk' });
    expect(events).toEqual([]);
  });
});

describe('set in a local collection', () => {
  it('holds a primitive at the document path and replaces it by any JSON value', () => {
    const model = createModel();
    const events = record(model);
    expect(model.set('_page.title', 'Todos')).toBeUndefined();
    expect(model.get('_page')).toEqual({ title: 'Todos' });
    expect(model.set('_page.title', { text: 'Todos', size: 2 })).toBe('Todos');
    expect(model.set('_page.title.size', 3)).toBe(2);
    expect(model.get('_page.title')).toEqual({ text: 'Todos', size: 3 });
    model.silent().set('_page.list', [1, 2]);
    model.silent().set('_page.none', null);
    expect(model.get('_page')).toEqual({ title: { text: 'Todos', size: 3 }, list: [1, 2], none: null });
    expect(events).toEqual([
      change('_page.title', 'Todos', undefined),
      change('_page.title', { text: 'Todos', size: 2 }, 'Todos'),
      change('_page.title.size', 3, 2),
    ]);
  });
});

describe('setNull', () => {
  it('writes over a missing value or null and returns the value now there', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk', done: null });
    const events = record(model);
    expect(model.setNull('todos.a.note', 'n')).toBe('n');
    expect(model.setNull('todos.a.done', false)).toBe(false);
    expect(model.get('todos.a')).toEqual({ title: 'Milk', done: false, note: 'n' });
    expect(events).toEqual([change('todos.a.note', 'n', undefined), change('todos.a.done', false, null)]);
  });

  it('keeps an existing value, returns it and emits nothing', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk' });
    const events = record(model);
    expect(model.setNull('todos.a.title', 'x')).toBe('Milk');
    expect(model.get('todos.a.title')).toBe('Milk');
    expect(events).toEqual([]);
  });
});

describe('setDiff', () => {
  it('writes a different value and returns the previous one', () => {
    const model = createModel();
    model.set('todos.a', { meta: { a: 1, b: 2 } });
    const events = record(model);
    expect(model.setDiff('todos.a.meta', { b: 2, a: 3 })).toEqual({ a: 1, b: 2 });
    expect(model.get('todos.a.meta')).toEqual({ a: 3, b: 2 });
    expect(events).toEqual([change('todos.a.meta', { a: 3, b: 2 }, { a: 1, b: 2 })]);
  });

  it('writes nothing for a deep-equal value (key order aside) and returns the current value', () => {
    const model = createModel();
    model.set('todos.a', { meta: { a: 1, b: [1] } });
    const events = record(model);
    const before = model.get('todos.a.meta');
    expect(model.setDiff('todos.a.meta', { b: [1], a: 1 })).toEqual({ a: 1, b: [1] });
    expect(model.get('todos.a.meta')).toBe(before);
    expect(events).toEqual([]);
  });
});

describe('setEach', () => {
  it('sets each key in one transaction and reports one change per key (and inside a new one-key object)', () => {
    const model = createModel();
    model.set('todos.a', { x: 0, p: 0 });
    let transactions = 0;
    model.yDoc('todos.a').on('afterTransaction', () => transactions++);
    const events = record(model);
    expect(model.setEach('todos.a', { p: 1, q: { r: 2 } })).toBeUndefined();
    expect(transactions).toBe(1);
    expect(model.get('todos.a')).toEqual({ x: 0, p: 1, q: { r: 2 } });
    expect(events).toEqual([change('todos.a.p', 1, 0), change('todos.a.q', { r: 2 }, undefined), change('todos.a.q.r', 2, undefined)]);
  });

  it('reports the document path, then each key, when it creates the document', () => {
    const model = createModel();
    const events = record(model);
    model.setEach('todos.c', { a: 1, b: 2 });
    model.setEach('todos.c', {});
    expect(events).toEqual([change('todos.c', { a: 1, b: 2 }, undefined), change('todos.c.a', 1, undefined), change('todos.c.b', 2, undefined)]);
  });

  it('throws for a value that is not a plain object and changes nothing', () => {
    const model = createModel();
    model.set('todos.a', { x: 0 });
    expect(() => model.setEach('todos.a', [1] as unknown as Record<string, unknown>)).toThrow(TypeError);
    expect(() => model.setEach('todos.a', { x: 1, y: () => 1 })).toThrow(TypeError);
    expect(model.get('todos.a')).toEqual({ x: 0 });
  });
});

describe('del', () => {
  it('deletes a key and returns the previous value, as does set to undefined', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk', meta: { n: 1 }, done: false });
    const events = record(model);
    expect(model.del('todos.a.meta')).toEqual({ n: 1 });
    expect(model.set('todos.a.done', undefined)).toBe(false);
    expect(model.get('todos.a')).toEqual({ title: 'Milk' });
    expect(events).toEqual([change('todos.a.meta', undefined, { n: 1 }), change('todos.a.done', undefined, false)]);
  });

  it('removes an array element', () => {
    const model = createModel();
    model.set('todos.a', { list: ['q', 'r', 's'] });
    const events = record(model);
    expect(model.del('todos.a.list.1')).toBe('r');
    expect(model.get('todos.a.list')).toEqual(['q', 's']);
    expect(events).toEqual([remove('todos.a.list', 1, ['r'])]);
  });

  it('deletes a whole document: a change at each field, then one at the document path', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk' });
    model.set('_page.t', 'T');
    const events = record(model);
    expect(model.del('todos.a')).toEqual({ title: 'Milk' });
    expect(model.del('_page.t')).toBe('T');
    expect(model.get()).toEqual({});
    expect(events).toEqual([change('todos.a.title', undefined, 'Milk'), change('todos.a', undefined, { title: 'Milk' }), change('_page.t', undefined, 'T')]);
  });

  it('returns undefined and emits nothing when nothing is there (as does set to undefined)', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk' });
    const events = record(model);
    expect(model.del('todos.a.nope')).toBeUndefined();
    expect(model.del('todos.zz')).toBeUndefined();
    expect(model.set('todos.a.nope', undefined)).toBeUndefined();
    expect(model.get()).toEqual({ todos: { a: { title: 'Milk' } } });
    expect(events).toEqual([]);
  });

  it('is a no-op under a missing array or object and past an array end, creating nothing and calling back', async () => {
    const model = createModel();
    model.set('_page.b.list', [1]);
    const events = record(model);
    expect(model.del('_page.a.list.2')).toBeUndefined();
    expect(model.del('_page.a.x')).toBeUndefined();
    expect(model.del('_page.b.list.5')).toBeUndefined();
    const called = await new Promise<Error | undefined>((resolve) => model.del('_page.c.d.e', resolve));
    expect(called).toBeUndefined();
    expect(model.get('_page')).toEqual({ b: { list: [1] } });
    expect(events).toEqual([]);
  });

  it('still refuses to delete through a value that is not an object or array', () => {
    const model = createModel();
    model.set('_page.s', 'text');
    expect(() => model.del('_page.s.x')).toThrow(TypeError);
  });
});

describe('setDiffDeep', () => {
  const todo = { title: 'Milk', tags: ['x', 'y'], meta: { n: 1, o: { p: 1 } }, list: [{ k: 1 }, { k: 2 }] };

  it('writes only what changed and keeps unchanged subtrees', () => {
    const model = createModel();
    model.set('todos.a', todo);
    const before = model.get<typeof todo>('todos.a');
    const events = record(model);
    expect(model.setDiffDeep('todos.a', JSON.parse(JSON.stringify(todo)))).toEqual(todo);
    expect(events).toEqual([]);
    const next = { ...todo, meta: { n: 2, o: { p: 1 } }, list: [{ k: 1 }, { k: 9 }] };
    expect(model.setDiffDeep('todos.a', next)).toEqual(todo);
    const after = model.get<typeof todo>('todos.a');
    expect(after).toEqual(next);
    expect(after?.tags).toBe(before?.tags);
    expect(after?.meta.o).toBe(before?.meta.o);
    expect(after?.list[0]).toBe(before?.list[0]);
    expect(events).toEqual([change('todos.a.meta.n', 2, 1), change('todos.a.list.1.k', 9, 2)]);
  });

  it('inserts the changed middle of an array that grew', () => {
    const model = createModel();
    model.set('todos.a', todo);
    const events = record(model);
    expect(model.setDiffDeep('todos.a.tags', ['x', 'q', 'z', 'y'])).toEqual(['x', 'y']);
    expect(events).toEqual([insert('todos.a.tags', 1, ['q', 'z'])]);
  });

  it('deletes keys missing from the new object', () => {
    const model = createModel();
    model.set('todos.z', { a: 1 });
    const events = record(model);
    model.setDiffDeep('todos.z', { b: 1 });
    expect(model.get('todos.z')).toEqual({ b: 1 });
    expect(byPath(events)).toEqual([change('todos.z.a', undefined, 1), change('todos.z.b', 1, undefined)]);
  });

  it('keeps a text a text, so a concurrent character edit survives', () => {
    const a = createModel();
    const b = createModel();
    a.set('todos.a', { title: 'Milk' });
    a.stringInsert('todos.a.title', 4, '!');
    exchange(a, b, 'todos.a');
    const events = record(a);
    expect(a.setDiffDeep('todos.a.title', 'Milk?!')).toBe('Milk!');
    expect(events).toEqual([change('todos.a.title', 'Milk?!', 'Milk!')]);
    b.stringInsert('todos.a.title', 0, '>');
    exchange(a, b, 'todos.a');
    expect(a.get('todos.a.title')).toBe('>Milk?!');
    expect(b.get('todos.a.title')).toBe('>Milk?!');
  });

  it('keeps a counter a counter, so a concurrent increment adds up', () => {
    const a = createModel();
    const b = createModel();
    a.set('todos.a', { count: 0 });
    a.increment('todos.a.count', 5);
    exchange(a, b, 'todos.a');
    const events = record(a);
    expect(a.setDiffDeep('todos.a.count', 8)).toBe(5);
    expect(events).toEqual([change('todos.a.count', 8, 5)]);
    b.increment('todos.a.count', 1);
    exchange(a, b, 'todos.a');
    expect(a.get('todos.a.count')).toBe(9);
    expect(b.get('todos.a.count')).toBe(9);
  });

  it('replaces a value of another kind in a local collection', () => {
    const model = createModel();
    model.set('_page.q', { b: [1] });
    const events = record(model);
    expect(model.setDiffDeep('_page.q', 7)).toEqual({ b: [1] });
    expect(events).toEqual([change('_page.q', 7, { b: [1] })]);
  });
});
