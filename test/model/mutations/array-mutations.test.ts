import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';
import { recordedModel } from '../../helpers/model-fixtures.ts';

const PATH = 'todos.a.tags';

const setup = (doc: Record<string, unknown> = { tags: ['x', 'y', 'z'] }): ReturnType<typeof recordedModel> => recordedModel(doc);

const local = { passed: {}, remote: false } as const;
const inserted = (path: string, index: number, values: unknown[]): ModelEvent => ({ type: 'insert', path, index, values, ...local });
const removed = (path: string, index: number, values: unknown[]): ModelEvent => ({ type: 'remove', path, index, removed: values, ...local });
const moved = (path: string, from: number, to: number, howMany: number): ModelEvent => ({ type: 'move', path, from, to, howMany, ...local });

/** Exchanges the missing updates of one document between two models. */
function sync(x: Model, y: Model, path = 'todos.a'): void {
  const dx = x.yDoc(path);
  const dy = y.yDoc(path);
  Y.applyUpdate(dy, Y.encodeStateAsUpdate(dx, Y.encodeStateVector(dy)));
  Y.applyUpdate(dx, Y.encodeStateAsUpdate(dy, Y.encodeStateVector(dx)));
}

describe('push', () => {
  it('appends, returns the new length and emits one insert at the end', () => {
    const { model, events } = setup();
    expect(model.push(PATH, 'w')).toBe(4);
    expect(model.get(PATH)).toEqual(['x', 'y', 'z', 'w']);
    expect(events).toStrictEqual([inserted(PATH, 3, ['w'])]);
  });

  it('appends an object whose content is readable and reported', () => {
    const { model, events } = setup({ items: [{ k: 1 }] });
    expect(model.push('todos.a.items', { k: 2, sub: { deep: [true, null] } })).toBe(2);
    expect(model.get('todos.a.items')).toEqual([{ k: 1 }, { k: 2, sub: { deep: [true, null] } }]);
    expect(events).toStrictEqual([inserted('todos.a.items', 1, [{ k: 2, sub: { deep: [true, null] } }])]);
  });

  it('creates a missing array, reported as one change of the new field', () => {
    const { model, events } = setup();
    expect(model.push('todos.a.list', 1)).toBe(1);
    expect(model.get('todos.a')).toEqual({ tags: ['x', 'y', 'z'], list: [1] });
    expect(events).toStrictEqual([{ type: 'change', path: 'todos.a.list', value: [1], previous: undefined, ...local }]);
  });

  it('creates a missing document, reported at the document path and then at the array', () => {
    const { model, events } = setup();
    expect(model.push('todos.b.list', 'first')).toBe(1);
    expect(model.get('todos.b')).toEqual({ list: ['first'] });
    expect(events).toStrictEqual([
      { type: 'change', path: 'todos.b', value: { list: ['first'] }, previous: undefined, ...local },
      { type: 'change', path: 'todos.b.list', value: ['first'], previous: undefined, ...local },
    ]);
  });
});

describe('unshift', () => {
  it('prepends, returns the new length and emits one insert at 0', () => {
    const { model, events } = setup();
    expect(model.unshift(PATH, 'w')).toBe(4);
    expect(model.get(PATH)).toEqual(['w', 'x', 'y', 'z']);
    expect(events).toStrictEqual([inserted(PATH, 0, ['w'])]);
  });

  it('creates a missing array', () => {
    const { model } = setup();
    expect(model.unshift('todos.a.list', { k: 1 })).toBe(1);
    expect(model.get('todos.a.list')).toEqual([{ k: 1 }]);
  });
});

describe('insert', () => {
  it('inserts every rest value at the index and returns the new length', () => {
    const { model, events } = setup();
    expect(model.insert(PATH, 1, 'p', 'q')).toBe(5);
    expect(model.get(PATH)).toEqual(['x', 'p', 'q', 'y', 'z']);
    expect(events).toStrictEqual([inserted(PATH, 1, ['p', 'q'])]);
  });

  it('inserts at the end when the index equals the length', () => {
    const { model, events } = setup();
    expect(model.insert(PATH, 3, 'w')).toBe(4);
    expect(model.get(PATH)).toEqual(['x', 'y', 'z', 'w']);
    expect(events).toStrictEqual([inserted(PATH, 3, ['w'])]);
  });

  it('inserts mixed JSON values, objects and arrays included', () => {
    const { model, events } = setup({ tags: [] });
    expect(model.insert(PATH, 0, 1, 'two', null, false, { three: [3] }, [4, [5]])).toBe(6);
    const expected = [1, 'two', null, false, { three: [3] }, [4, [5]]];
    expect(model.get(PATH)).toEqual(expected);
    expect(events).toStrictEqual([inserted(PATH, 0, expected)]);
  });

  it('creates a missing array when inserting at 0', () => {
    const { model, events } = setup();
    expect(model.insert('todos.a.list', 0, 'a', 'b')).toBe(2);
    expect(model.get('todos.a.list')).toEqual(['a', 'b']);
    expect(events).toStrictEqual([{ type: 'change', path: 'todos.a.list', value: ['a', 'b'], previous: undefined, ...local }]);
  });

  it('returns the length and emits nothing when there are no values', () => {
    const { model, events } = setup();
    expect(model.insert(PATH, 2)).toBe(3);
    expect(model.get(PATH)).toEqual(['x', 'y', 'z']);
    expect(events).toEqual([]);
  });

  it('works relative to a scoped model', () => {
    const { model, events } = setup();
    expect(model.at('todos.a').insert('tags', 0, 'w')).toBe(4);
    expect(events).toStrictEqual([inserted(PATH, 0, ['w'])]);
  });
});

describe('pop', () => {
  it('removes and returns the last element with one remove event', () => {
    const { model, events } = setup();
    expect(model.pop(PATH)).toBe('z');
    expect(model.get(PATH)).toEqual(['x', 'y']);
    expect(events).toStrictEqual([removed(PATH, 2, ['z'])]);
  });

  it('returns an object element with its content', () => {
    const { model } = setup({ items: [{ k: 1 }, { k: 2, tags: ['t'] }] });
    expect(model.pop('todos.a.items')).toEqual({ k: 2, tags: ['t'] });
    expect(model.get('todos.a.items')).toEqual([{ k: 1 }]);
  });

  it('returns undefined without an event on an empty array', () => {
    const { model, events } = setup({ tags: [] });
    expect(model.pop(PATH)).toBeUndefined();
    expect(model.get(PATH)).toEqual([]);
    expect(events).toEqual([]);
  });

  it('returns undefined without an event or a new document on a missing array', () => {
    const { model, events } = setup();
    const before = model.get();
    expect(model.pop('todos.a.missing')).toBeUndefined();
    expect(model.pop('todos.nope.list')).toBeUndefined();
    expect(model.get()).toEqual(before);
    expect(events).toEqual([]);
  });
});

describe('shift', () => {
  it('removes and returns the first element with one remove event', () => {
    const { model, events } = setup();
    expect(model.shift(PATH)).toBe('x');
    expect(model.get(PATH)).toEqual(['y', 'z']);
    expect(events).toStrictEqual([removed(PATH, 0, ['x'])]);
  });

  it('returns undefined without an event on an empty or missing array', () => {
    const { model, events } = setup({ tags: [] });
    const before = model.get();
    expect(model.shift(PATH)).toBeUndefined();
    expect(model.shift('todos.a.missing')).toBeUndefined();
    expect(model.get()).toEqual(before);
    expect(events).toEqual([]);
  });
});

describe('remove', () => {
  it('removes one element by default and returns it in an array', () => {
    const { model, events } = setup();
    expect(model.remove(PATH, 1)).toEqual(['y']);
    expect(model.get(PATH)).toEqual(['x', 'z']);
    expect(events).toStrictEqual([removed(PATH, 1, ['y'])]);
  });

  it('removes howMany elements', () => {
    const { model, events } = setup({ tags: ['a', 'b', 'c', 'd', 'e'] });
    expect(model.remove(PATH, 1, 3)).toEqual(['b', 'c', 'd']);
    expect(model.get(PATH)).toEqual(['a', 'e']);
    expect(events).toStrictEqual([removed(PATH, 1, ['b', 'c', 'd'])]);
  });

  it('takes the index from the last path segment when given only a path', () => {
    const { model, events } = setup();
    expect(model.remove('todos.a.tags.2')).toEqual(['z']);
    expect(model.at('todos.a').remove('tags.0')).toEqual(['x']);
    expect(model.get(PATH)).toEqual(['y']);
    expect(events).toStrictEqual([removed(PATH, 2, ['z']), removed(PATH, 0, ['x'])]);
  });

  it('returns removed objects with their content', () => {
    const { model, events } = setup({ items: [{ k: 1 }, { k: 2, sub: { s: 'v' } }, { k: 3 }] });
    expect(model.remove('todos.a.items', 1, 2)).toEqual([{ k: 2, sub: { s: 'v' } }, { k: 3 }]);
    expect(model.get('todos.a.items')).toEqual([{ k: 1 }]);
    expect(events).toStrictEqual([removed('todos.a.items', 1, [{ k: 2, sub: { s: 'v' } }, { k: 3 }])]);
  });

  it('removes nothing and emits nothing when howMany is 0', () => {
    const { model, events } = setup();
    expect(model.remove(PATH, 1, 0)).toEqual([]);
    expect(model.get(PATH)).toEqual(['x', 'y', 'z']);
    expect(events).toEqual([]);
  });
});

describe('move', () => {
  const list = ['a', 'b', 'c', 'd', 'e'];
  /** Racer's definition: take the values out, then insert them at `to`. */
  const racerMove = (from: number, to: number, howMany: number): string[] => {
    const array = [...list];
    const length = array.length;
    const values = array.splice(from < 0 ? from + length : from, howMany);
    array.splice(to < 0 ? to + length : to, 0, ...values);
    return array;
  };

  it.each([
    { from: 0, to: 2, howMany: 1, result: ['b', 'c', 'a', 'd', 'e'], event: [0, 2] },
    { from: 3, to: 0, howMany: 1, result: ['d', 'a', 'b', 'c', 'e'], event: [3, 0] },
    { from: 0, to: 4, howMany: 1, result: ['b', 'c', 'd', 'e', 'a'], event: [0, 4] },
    { from: 1, to: 3, howMany: 2, result: ['a', 'd', 'e', 'b', 'c'], event: [1, 3] },
    { from: 3, to: 0, howMany: 2, result: ['d', 'e', 'a', 'b', 'c'], event: [3, 0] },
    { from: -1, to: 0, howMany: 1, result: ['e', 'a', 'b', 'c', 'd'], event: [4, 0] },
    { from: 0, to: -1, howMany: 1, result: ['b', 'c', 'd', 'e', 'a'], event: [0, 4] },
    { from: -2, to: -5, howMany: 2, result: ['d', 'e', 'a', 'b', 'c'], event: [3, 0] },
  ])('moves $howMany from $from to $to as splice-out-then-in does', ({ from, to, howMany, result, event }) => {
    expect(racerMove(from, to, howMany)).toEqual(result);
    const { model, events } = setup({ tags: list });
    const start = from < 0 ? from + list.length : from;
    expect(model.move(PATH, from, to, howMany)).toEqual(list.slice(start, start + howMany));
    expect(model.get(PATH)).toEqual(result);
    expect(events).toStrictEqual([moved(PATH, event[0] as number, event[1] as number, howMany)]);
  });

  it('moves one element by default', () => {
    const { model, events } = setup();
    expect(model.move(PATH, 2, 0)).toEqual(['z']);
    expect(model.get(PATH)).toEqual(['z', 'x', 'y']);
    expect(events).toStrictEqual([moved(PATH, 2, 0, 1)]);
  });

  it('returns the values but changes nothing when from equals to', () => {
    const { model, events } = setup();
    expect(model.move(PATH, 1, 1)).toEqual(['y']);
    expect(model.get(PATH)).toEqual(['x', 'y', 'z']);
    expect(events).toEqual([]);
  });

  it('reports one move even when the moved values equal their neighbours', () => {
    const { model, events } = setup({ tags: ['a', 'a', 'b', 'a'] });
    expect(model.move(PATH, 0, 2)).toEqual(['a']);
    expect(model.get(PATH)).toEqual(['a', 'b', 'a', 'a']);
    expect(events).toStrictEqual([moved(PATH, 0, 2, 1)]);
  });

  it('keeps the content of moved objects and reports the move only', () => {
    const items = [{ k: 1, tags: ['p'] }, { k: 2, sub: { s: 'v' } }, { k: 3 }];
    const { model, events } = setup({ items });
    expect(model.move('todos.a.items', 0, 2)).toEqual([{ k: 1, tags: ['p'] }]);
    expect(model.get('todos.a.items')).toEqual([{ k: 2, sub: { s: 'v' } }, { k: 3 }, { k: 1, tags: ['p'] }]);
    expect(events).toStrictEqual([moved('todos.a.items', 0, 2, 1)]);
    model.set('todos.a.items.2.k', 10);
    model.push('todos.a.items.2.tags', 'q');
    expect(model.get('todos.a.items.2')).toEqual({ k: 10, tags: ['p', 'q'] });
  });

  it('keeps a moved counter and text mergeable between peers', () => {
    const a = createModel();
    a.set('todos.a', { items: [{ n: 1 }, { t: 'ab' }, { x: 0 }] });
    a.increment('todos.a.items.0.n');
    a.stringInsert('todos.a.items.1.t', 2, 'c');
    a.move('todos.a.items', 0, 2);
    expect(a.get('todos.a.items')).toEqual([{ t: 'abc' }, { x: 0 }, { n: 2 }]);
    const b = createModel();
    sync(a, b);
    a.increment('todos.a.items.2.n');
    b.increment('todos.a.items.2.n', 10);
    a.stringInsert('todos.a.items.0.t', 0, '<');
    b.stringInsert('todos.a.items.0.t', 3, '>');
    sync(a, b);
    for (const model of [a, b]) {
      expect(model.get('todos.a.items')).toEqual([{ t: '<abc>' }, { x: 0 }, { n: 13 }]);
    }
  });
});
