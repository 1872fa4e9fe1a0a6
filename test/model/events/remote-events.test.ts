import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';
import { applyEvent, applyEvents, type Tree } from '../../helpers/apply-event.ts';

const DOC = 'todos.a';
const PASSED = { by: 'writer' };

interface Pair {
  readonly writer: Model;
  readonly reader: Model;
  readonly local: ModelEvent[];
  readonly remote: ModelEvent[];
}

/** A writer whose every update of `todos.a` is applied at once to a reader. */
function livePair(initial?: Record<string, unknown>): Pair {
  const writer = createModel();
  const reader = createModel();
  writer.yDoc(DOC).on('update', (update: Uint8Array) => Y.applyUpdate(reader.yDoc(DOC), update));
  if (initial) writer.set(DOC, initial);
  expect(reader.get()).toEqual(writer.get());
  const local: ModelEvent[] = [];
  const remote: ModelEvent[] = [];
  writer.on('all', (event) => {
    local.push(event);
  });
  reader.on('all', (event) => {
    remote.push(event);
  });
  return { writer, reader, local, remote };
}

type Expected = Record<string, unknown> & { type: ModelEvent['type']; path: string };

interface Case {
  readonly name: string;
  readonly initial: Record<string, unknown> | undefined;
  readonly write: (model: Model) => unknown;
  readonly events: readonly Expected[];
}

const c = (name: string, initial: Record<string, unknown> | undefined, write: (m: Model) => unknown, ...events: Expected[]): Case => ({
  name,
  initial,
  write,
  events,
});
const change = (path: string, value: unknown, previous: unknown): Expected => ({ type: 'change', path, value, previous });

const cases: readonly Case[] = [
  c('set of an existing field', { title: 'x' }, (m) => m.set('todos.a.title', 'y'), change('todos.a.title', 'y', 'x')),
  c('set of a new field', { title: 'x' }, (m) => m.set('todos.a.done', false), change('todos.a.done', false, undefined)),
  c('set of a nested object', { meta: { a: 1 } }, (m) => m.set('todos.a.meta', { b: { c: [1, { d: null }] } }),
    change('todos.a.meta', { b: { c: [1, { d: null }] } }, { a: 1 })),
  c('set below missing objects', { title: 'x' }, (m) => m.set('todos.a.meta.deep.x', 1),
    change('todos.a.meta', { deep: { x: 1 } }, undefined), change('todos.a.meta.deep', { x: 1 }, undefined), change('todos.a.meta.deep.x', 1, undefined)),
  c('set inside an object in an array', { items: [{ k: 1 }, { k: 2 }] }, (m) => m.set('todos.a.items.1.k', 20),
    change('todos.a.items.1.k', 20, 2)),
  c('del of a field', { title: 'x', done: true }, (m) => m.del('todos.a.done'), change('todos.a.done', undefined, true)),
  c('add (document creation)', undefined, (m) => m.add('todos', { id: 'a', title: 'x', tags: ['t'] }),
    change('todos.a', { id: 'a', title: 'x', tags: ['t'] }, undefined),
    change('todos.a.id', 'a', undefined), change('todos.a.tags', ['t'], undefined), change('todos.a.title', 'x', undefined)),
  c('whole document delete', { title: 'x', tags: ['t'] }, (m) => m.del('todos.a'),
    change('todos.a.tags', undefined, ['t']), change('todos.a.title', undefined, 'x'),
    change('todos.a', undefined, { title: 'x', tags: ['t'] })),
  c('set of a document that exists (field by field)', { title: 'x', done: true }, (m) => m.set('todos.a', { title: 'y', due: 1 }),
    change('todos.a.done', undefined, true), change('todos.a.due', 1, undefined), change('todos.a.title', 'y', 'x')),
  c('push', { tags: ['x'] }, (m) => m.push('todos.a.tags', { k: 1 }),
    { type: 'insert', path: 'todos.a.tags', index: 1, values: [{ k: 1 }] }),
  c('insert of several values', { tags: ['x', 'y'] }, (m) => m.insert('todos.a.tags', 1, 'p', 'q'),
    { type: 'insert', path: 'todos.a.tags', index: 1, values: ['p', 'q'] }),
  c('remove', { tags: ['x', 'y', 'z', 'w'] }, (m) => m.remove('todos.a.tags', 1, 2),
    { type: 'remove', path: 'todos.a.tags', index: 1, removed: ['y', 'z'] }),
  c('pop', { tags: ['x', 'y'] }, (m) => m.pop('todos.a.tags'), { type: 'remove', path: 'todos.a.tags', index: 1, removed: ['y'] }),
  c('move forward', { tags: ['a', 'b', 'c', 'd'] }, (m) => m.move('todos.a.tags', 0, 2),
    { type: 'move', path: 'todos.a.tags', from: 0, to: 2, howMany: 1 }),
  c('move backward of several with negative indices', { tags: ['a', 'b', 'c', 'd'] }, (m) => m.move('todos.a.tags', -2, 0, 2),
    { type: 'move', path: 'todos.a.tags', from: 2, to: 0, howMany: 2 }),
  c('move of objects', { items: [{ k: 1 }, { k: 2, sub: { s: 'v' } }] }, (m) => m.move('todos.a.items', 1, 0),
    { type: 'move', path: 'todos.a.items', from: 1, to: 0, howMany: 1 }),
  c('first increment of a plain number', { n: 5 }, (m) => m.increment('todos.a.n', 2), change('todos.a.n', 7, 5)),
  c('increment of a missing field', { title: 'x' }, (m) => m.increment('todos.a.n'), change('todos.a.n', 1, undefined)),
  c('stringInsert into a plain string', { s: 'abc' }, (m) => m.stringInsert('todos.a.s', 1, 'XY'), change('todos.a.s', 'aXYbc', 'abc')),
  c('stringRemove from a plain string', { s: 'abcdef' }, (m) => m.stringRemove('todos.a.s', 2, 3), change('todos.a.s', 'abf', 'abcdef')),
];

describe('remote events', () => {
  it.each(cases)('mirror the local events of $name', ({ initial, write, events }) => {
    const { writer, reader, local, remote } = livePair(initial);
    write(writer.pass(PASSED));
    expect(local).toStrictEqual(events.map((e) => ({ ...e, passed: PASSED, remote: false })));
    expect(remote).toStrictEqual(events.map((e) => ({ ...e, passed: {}, remote: true })));
    expect(reader.get()).toEqual(writer.get());
  });

  it('mirror later increments and text edits of converted values', () => {
    const { writer, reader, local, remote } = livePair({ n: 1, s: 'ab' });
    writer.increment('todos.a.n');
    writer.stringInsert('todos.a.s', 2, 'c');
    local.length = 0;
    remote.length = 0;
    writer.increment('todos.a.n', 10);
    writer.stringRemove('todos.a.s', 0, 1);
    writer.stringInsert('todos.a.s', 2, 'd');
    const expected = [
      { type: 'change', path: 'todos.a.n', value: 12, previous: 2 },
      { type: 'change', path: 'todos.a.s', value: 'bc', previous: 'abc' },
      { type: 'change', path: 'todos.a.s', value: 'bcd', previous: 'bc' },
    ];
    expect(local).toStrictEqual(expected.map((e) => ({ ...e, passed: {}, remote: false })));
    expect(remote).toStrictEqual(expected.map((e) => ({ ...e, passed: {}, remote: true })));
    expect(reader.get('todos.a')).toEqual({ n: 12, s: 'bcd' });
  });

  it('are not emitted for a write made through a silent model, but the peer hears it', () => {
    const { writer, reader, local, remote } = livePair({ title: 'x' });
    writer.silent().set('todos.a.title', 'y');
    expect(local).toEqual([]);
    expect(remote).toStrictEqual([{ type: 'change', path: 'todos.a.title', value: 'y', previous: 'x', passed: {}, remote: true }]);
    expect(reader.get('todos.a.title')).toBe('y');
  });
});

interface Batch {
  readonly name: string;
  readonly initial?: Record<string, unknown>;
  readonly writes: (model: Model) => void;
}

const batches: readonly Batch[] = [
  {
    name: 'writes of every kind on one document',
    initial: { title: 'x', tags: ['a', 'b', 'c'], n: 1, s: 'hello' },
    writes: (m) => {
      m.set('todos.a.title', 'y');
      m.set('todos.a.meta.x', 1);
      m.push('todos.a.tags', 'd');
      m.insert('todos.a.tags', 1, 'e', 'f');
      m.remove('todos.a.tags', 0);
      m.move('todos.a.tags', 0, 3);
      m.increment('todos.a.n', 2);
      m.stringInsert('todos.a.s', 5, '!');
      m.stringRemove('todos.a.s', 0, 1);
      m.del('todos.a.title');
    },
  },
  {
    name: 'many operations on one array',
    initial: { l: [0, 1, 2, 3, 4, 5] },
    writes: (m) => {
      m.push('todos.a.l', 6);
      m.unshift('todos.a.l', -1);
      m.move('todos.a.l', 1, 4, 2);
      m.remove('todos.a.l', 2, 2);
      m.insert('todos.a.l', 3, 'x');
      m.pop('todos.a.l');
      m.shift('todos.a.l');
      m.move('todos.a.l', -1, 0);
    },
  },
  {
    name: 'a backward move next to writes elsewhere',
    initial: { l: ['a', 'b', 'c', 'd', 'e'], x: 0 },
    writes: (m) => {
      m.set('todos.a.x', 1);
      m.move('todos.a.l', 3, 1, 2);
      m.push('todos.a.other', 'o');
    },
  },
  {
    name: 'two moves of the same array',
    initial: { l: [0, 1, 2, 3, 4, 5] },
    writes: (m) => {
      m.move('todos.a.l', 0, 5);
      m.move('todos.a.l', 4, 1, 2);
    },
  },
  {
    name: 'objects in an array edited, moved and counted',
    initial: { l: [{ k: 1 }, { k: 2 }, { k: 3 }] },
    writes: (m) => {
      m.push('todos.a.l', { k: 4 });
      m.set('todos.a.l.0.k', 10);
      m.move('todos.a.l', 0, 2);
      m.set('todos.a.l.3.k', 40);
      m.increment('todos.a.l.1.k');
    },
  },
  {
    name: 'nested arrays',
    initial: { g: [[1, 2], [3]] },
    writes: (m) => {
      m.push('todos.a.g.0', 9);
      m.move('todos.a.g', 1, 0);
      m.push('todos.a.g.0', 8);
      m.remove('todos.a.g.1', 0);
    },
  },
  {
    name: 'counters and texts in array elements',
    initial: { l: [1, 'ab', 3] },
    writes: (m) => {
      m.increment('todos.a.l.0');
      m.stringInsert('todos.a.l.1', 2, 'c');
      m.increment('todos.a.l.0');
      m.move('todos.a.l', 0, 2);
      m.increment('todos.a.l.2', 5);
    },
  },
  {
    name: 'document creation followed by edits',
    writes: (m) => {
      m.add('todos', { id: 'a', l: [1] });
      m.push('todos.a.l', 2);
      m.increment('todos.a.n');
    },
  },
  {
    name: 'edits followed by document deletion',
    initial: { x: 1 },
    writes: (m) => {
      m.set('todos.a.y', 2);
      m.del('todos.a');
    },
  },
  {
    name: 'document replaced by set',
    initial: { x: 1, z: [1] },
    writes: (m) => {
      m.set('todos.a', { y: 2, z: [1, 2] });
      m.push('todos.a.z', 3);
    },
  },
];

describe('remote events of a batch delivered in one update', () => {
  it.each(batches)('replay onto the previous snapshot: $name', ({ initial, writes }) => {
    const writer = createModel();
    const reader = createModel();
    if (initial) writer.set(DOC, initial);
    Y.applyUpdate(reader.yDoc(DOC), Y.encodeStateAsUpdate(writer.yDoc(DOC)));
    const before = reader.get() as Tree;
    expect(before).toEqual(writer.get());
    const updates: Uint8Array[] = [];
    writer.yDoc(DOC).on('update', (update: Uint8Array) => updates.push(update));
    writes(writer);
    expect(updates.length).toBeGreaterThan(1);
    const events: ModelEvent[] = [];
    reader.on('all', (event) => {
      events.push(event);
    });
    Y.applyUpdate(reader.yDoc(DOC), Y.mergeUpdates(updates));
    expect(reader.get()).toEqual(writer.get());
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.remote && Object.keys(e.passed).length === 0)).toBe(true);
    expect(applyEvents(before, events)).toEqual(reader.get());
  });

  it('replay when the batch is the difference to the reader\u2019s state vector', () => {
    const writer = createModel();
    const reader = createModel();
    writer.set(DOC, { tags: ['a', 'b'], n: 0 });
    Y.applyUpdate(reader.yDoc(DOC), Y.encodeStateAsUpdate(writer.yDoc(DOC)));
    const before = reader.get() as Tree;
    writer.push('todos.a.tags', 'c');
    writer.move('todos.a.tags', 2, 0);
    writer.increment('todos.a.n', 3);
    writer.set('todos.a.tags.1', 'A');
    const events: ModelEvent[] = [];
    reader.on('all', (event) => {
      events.push(event);
    });
    const diff = Y.encodeStateAsUpdate(writer.yDoc(DOC), Y.encodeStateVector(reader.yDoc(DOC)));
    Y.applyUpdate(reader.yDoc(DOC), diff);
    expect(reader.get('todos.a')).toEqual({ tags: ['c', 'A', 'b'], n: 3 });
    expect(applyEvents(before, events)).toEqual(reader.get());
  });
});

describe('applyEvent (test helper)', () => {
  const tree: Tree = { todos: { a: { tags: ['x', 'y'] } } };
  const base = { passed: {}, remote: false } as const;

  it('applies events without touching its input', () => {
    const next = applyEvent(tree, { type: 'move', path: 'todos.a.tags', from: 0, to: 1, howMany: 1, ...base });
    expect(next).toEqual({ todos: { a: { tags: ['y', 'x'] } } });
    expect(tree).toEqual({ todos: { a: { tags: ['x', 'y'] } } });
    const gone = applyEvent(next, { type: 'change', path: 'todos.a', value: undefined, previous: {}, ...base });
    expect(gone).toEqual({});
  });

  it('rejects events that do not fit the tree', () => {
    expect(() => applyEvent(tree, { type: 'remove', path: 'todos.a.tags', index: 0, removed: ['y'], ...base })).toThrow(/removed/);
    expect(() => applyEvent(tree, { type: 'insert', path: 'todos.a.tags', index: 3, values: [1], ...base })).toThrow(/out of range/);
    expect(() => applyEvent(tree, { type: 'change', path: 'todos.b.x', value: 1, previous: undefined, ...base })).toThrow(/not there/);
  });
});
