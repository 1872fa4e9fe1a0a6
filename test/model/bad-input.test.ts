import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../src/index.ts';

/** `todos.a` as every case finds it; `counter` is a counter and `text` a Y.Text by then. */
const INITIAL = {
  title: 'hello',
  n: 5,
  done: true,
  nothing: null,
  tags: ['a', 'b', 'c'],
  meta: { x: 1 },
  items: [{ k: 1 }],
};

type ErrorClass = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;

interface BadCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly error: ErrorClass;
  readonly reason: RegExp;
  readonly call: (model: Model) => unknown;
}

const bad = (method: string, path: string, error: ErrorClass, reason: RegExp, what: string, call: (model: Model) => unknown): BadCase => ({
  name: `${method}: ${what}`,
  method,
  path,
  error,
  reason,
  call,
});

class Point {
  x = 1;
}
const fn = (): number => 1;
const cycle: Record<string, unknown> = { a: { b: {} } };
((cycle['a'] as Record<string, unknown>)['b'] as Record<string, unknown>)['c'] = cycle['a'];
const sparse: number[] = [1];
sparse[2] = 3;

const SHORT = /must name a document/;
const INVALID = /invalid path/;
const NOT_ARRAY = /not an array/;
const JSON_VALUE = /is not JSON/;
const OUT_OF_RANGE = /out of range|past the end|cannot remove|cannot move/;

const cases: readonly BadCase[] = [
  // A mutator path shorter than collection.docId.
  bad('set', 'todos', Error, SHORT, 'a collection path', (m) => m.set('todos', {})),
  bad('set', '', Error, SHORT, 'the root path', (m) => m.set('', {})),
  bad('setNull', 'todos', Error, SHORT, 'a collection path', (m) => m.setNull('todos', {})),
  bad('setDiff', 'todos', Error, SHORT, 'a collection path', (m) => m.setDiff('todos', {})),
  bad('setDiffDeep', 'todos', Error, SHORT, 'a collection path', (m) => m.setDiffDeep('todos', {})),
  bad('setEach', 'todos', Error, SHORT, 'a collection path', (m) => m.setEach('todos', { x: 1 })),
  bad('create', 'todos', Error, SHORT, 'a collection path', (m) => m.create('todos', {})),
  bad('createNull', 'todos', Error, SHORT, 'a collection path', (m) => m.createNull('todos', {})),
  bad('add', '', Error, /collection name/, 'no collection', (m) => m.add('', { x: 1 })),
  bad('del', 'todos', Error, SHORT, 'a collection path', (m) => m.del('todos')),
  bad('increment', 'todos', Error, SHORT, 'a collection path', (m) => m.increment('todos')),
  bad('push', 'todos', Error, SHORT, 'a collection path', (m) => m.push('todos', 1)),
  bad('unshift', 'todos', Error, SHORT, 'a collection path', (m) => m.unshift('todos', 1)),
  bad('insert', 'todos', Error, SHORT, 'a collection path', (m) => m.insert('todos', 0, 1)),
  bad('pop', 'todos', Error, SHORT, 'a collection path', (m) => m.pop('todos')),
  bad('shift', 'todos', Error, SHORT, 'a collection path', (m) => m.shift('todos')),
  bad('remove', 'todos', Error, SHORT, 'a collection path', (m) => m.remove('todos', 0)),
  bad('move', 'todos', Error, SHORT, 'a collection path', (m) => m.move('todos', 0, 1)),
  bad('stringInsert', 'todos', Error, SHORT, 'a collection path', (m) => m.stringInsert('todos', 0, 'x')),
  bad('stringRemove', 'todos', Error, SHORT, 'a collection path', (m) => m.stringRemove('todos', 0, 1)),
  // Empty segments, bad collection names and document ids.
  bad('set', 'todos..title', Error, /empty segment/, 'an empty segment', (m) => m.set('todos..title', 1)),
  bad('set', 'todos.a..x', Error, /empty segment/, 'an empty field segment', (m) => m.set('todos.a..x', 1)),
  bad('push', 'todos.a.', Error, /empty segment/, 'a trailing dot', (m) => m.push('todos.a.', 1)),
  bad('increment', '.a.n', Error, /empty segment/, 'a leading dot', (m) => m.increment('.a.n')),
  bad('set', '1todos.a.x', Error, /collection name/, 'a collection starting with a digit', (m) => m.set('1todos.a.x', 1)),
  bad('create', 'todos.a b', Error, /document id/, 'a document id with a space', (m) => m.create('todos.a b', {})),
  bad('del', 'todos.a!.x', Error, INVALID, 'a document id with "!"', (m) => m.del('todos.a!.x')),
  bad('add', 'to dos', Error, INVALID, 'a bad collection name', (m) => m.add('to dos', { x: 1 })),
  // Array methods on something that is not an array.
  bad('push', 'todos.a.title', TypeError, NOT_ARRAY, 'a string', (m) => m.push('todos.a.title', 1)),
  bad('push', 'todos.a.meta', TypeError, NOT_ARRAY, 'an object', (m) => m.push('todos.a.meta', 1)),
  bad('push', 'todos.a', TypeError, /document is an object/, 'a document', (m) => m.push('todos.a', 1)),
  bad('unshift', 'todos.a.nothing', TypeError, NOT_ARRAY, 'null', (m) => m.unshift('todos.a.nothing', 1)),
  bad('insert', 'todos.a.n', TypeError, NOT_ARRAY, 'a number', (m) => m.insert('todos.a.n', 0, 1)),
  bad('insert', 'todos.a.counter', TypeError, NOT_ARRAY, 'a counter', (m) => m.insert('todos.a.counter', 0, 1)),
  bad('pop', 'todos.a.done', TypeError, NOT_ARRAY, 'a boolean', (m) => m.pop('todos.a.done')),
  bad('shift', 'todos.a.text', TypeError, NOT_ARRAY, 'a text', (m) => m.shift('todos.a.text')),
  bad('remove', 'todos.a.meta', TypeError, NOT_ARRAY, 'an object', (m) => m.remove('todos.a.meta', 0)),
  bad('remove', 'todos.a.missing', TypeError, NOT_ARRAY, 'a missing value', (m) => m.remove('todos.a.missing', 0)),
  bad('move', 'todos.a.title', TypeError, NOT_ARRAY, 'a string', (m) => m.move('todos.a.title', 0, 1)),
  bad('move', 'todos.a.missing', TypeError, NOT_ARRAY, 'a missing value', (m) => m.move('todos.a.missing', 0, 1)),
  // increment on a non-number or by a non-finite amount.
  bad('increment', 'todos.a.title', TypeError, /not a number/, 'a string', (m) => m.increment('todos.a.title')),
  bad('increment', 'todos.a.meta', TypeError, /not a number/, 'an object', (m) => m.increment('todos.a.meta')),
  bad('increment', 'todos.a.tags', TypeError, /not a number/, 'an array', (m) => m.increment('todos.a.tags')),
  bad('increment', 'todos.a.nothing', TypeError, /not a number/, 'null', (m) => m.increment('todos.a.nothing')),
  bad('increment', 'todos.a', TypeError, /document is an object/, 'a document', (m) => m.increment('todos.a', 1)),
  bad('increment', 'todos.a.n', TypeError, /finite number, got NaN/, 'by NaN', (m) => m.increment('todos.a.n', NaN)),
  bad('increment', 'todos.a.n', TypeError, /finite number, got Infinity/, 'by Infinity', (m) => m.increment('todos.a.n', Infinity)),
  bad('increment', 'todos.a.n', TypeError, /finite number, got -Infinity/, 'by -Infinity', (m) => m.increment('todos.a.n', -Infinity)),
  bad('increment', 'todos.a.n', TypeError, /finite number/, 'by a string', (m) => m.increment('todos.a.n', '1' as unknown as number)),
  // String methods on a non-string.
  bad('stringInsert', 'todos.a.n', TypeError, /not a string/, 'a number', (m) => m.stringInsert('todos.a.n', 0, 'x')),
  bad('stringInsert', 'todos.a.counter', TypeError, /not a string/, 'a counter', (m) => m.stringInsert('todos.a.counter', 0, 'x')),
  bad('stringInsert', 'todos.a.tags', TypeError, /not a string/, 'an array', (m) => m.stringInsert('todos.a.tags', 0, 'x')),
  bad('stringInsert', 'todos.a.title', TypeError, /text must be a string/, 'non-string text', (m) => m.stringInsert('todos.a.title', 0, 5 as unknown as string)),
  bad('stringRemove', 'todos.a.done', TypeError, /not a string/, 'a boolean', (m) => m.stringRemove('todos.a.done', 0, 1)),
  bad('stringRemove', 'todos.a.meta', TypeError, /not a string/, 'an object', (m) => m.stringRemove('todos.a.meta', 0, 1)),
  bad('stringRemove', 'todos.a.nothing', TypeError, /not a string/, 'null', (m) => m.stringRemove('todos.a.nothing', 0, 0)),
  // Writing below a string, number, boolean or null.
  bad('set', 'todos.a.title.x', TypeError, /todos\.a\.title is a string/, 'below a string', (m) => m.set('todos.a.title.x', 1)),
  bad('set', 'todos.a.n.x', TypeError, /todos\.a\.n is a number/, 'below a number', (m) => m.set('todos.a.n.x', 1)),
  bad('set', 'todos.a.done.x', TypeError, /todos\.a\.done is a boolean/, 'below a boolean', (m) => m.set('todos.a.done.x', 1)),
  bad('set', 'todos.a.nothing.x', TypeError, /todos\.a\.nothing is null/, 'below null', (m) => m.set('todos.a.nothing.x', 1)),
  bad('set', 'todos.a.counter.x', TypeError, /todos\.a\.counter is a number/, 'below a counter', (m) => m.set('todos.a.counter.x', 1)),
  bad('set', 'todos.a.text.x.y', TypeError, /todos\.a\.text is a string/, 'below a text', (m) => m.set('todos.a.text.x.y', 1)),
  bad('set', '_page.title.x', TypeError, /_page\.title is a string/, 'below a local string document', (m) => m.set('_page.title.x', 1)),
  bad('push', 'todos.a.title.list', TypeError, /is a string/, 'below a string', (m) => m.push('todos.a.title.list', 1)),
  bad('increment', 'todos.a.n.x', TypeError, /is a number/, 'below a number', (m) => m.increment('todos.a.n.x')),
  bad('stringInsert', 'todos.a.done.s', TypeError, /is a boolean/, 'below a boolean', (m) => m.stringInsert('todos.a.done.s', 0, 'x')),
  bad('setEach', 'todos.a.title.x', TypeError, /todos\.a\.title is a string/, 'below a string', (m) => m.setEach('todos.a.title', { x: 1 })),
  bad('del', 'todos.a.title.x', TypeError, /is a string/, 'below a string', (m) => m.del('todos.a.title.x')),
  // Indices that are not integers.
  bad('insert', 'todos.a.tags', TypeError, /index must be an integer/, 'index 1.5', (m) => m.insert('todos.a.tags', 1.5, 'x')),
  bad('insert', 'todos.a.tags', TypeError, /index must be an integer/, 'index "1"', (m) => m.insert('todos.a.tags', '1' as unknown as number, 'x')),
  bad('remove', 'todos.a.tags', TypeError, /index must be an integer/, 'index 0.5', (m) => m.remove('todos.a.tags', 0.5)),
  bad('remove', 'todos.a.tags', TypeError, /howMany must be an integer/, 'howMany 1.5', (m) => m.remove('todos.a.tags', 0, 1.5)),
  bad('remove', 'todos.a.tags', TypeError, /must be an integer/, 'path form with "x"', (m) => m.remove('todos.a.tags.x')),
  bad('move', 'todos.a.tags', TypeError, /from must be an integer/, 'from 0.5', (m) => m.move('todos.a.tags', 0.5, 1)),
  bad('move', 'todos.a.tags', TypeError, /to must be an integer/, 'to NaN', (m) => m.move('todos.a.tags', 0, NaN)),
  bad('move', 'todos.a.tags', TypeError, /howMany must be an integer/, 'howMany 1.5', (m) => m.move('todos.a.tags', 0, 1, 1.5)),
  bad('stringInsert', 'todos.a.title', TypeError, /index must be an integer/, 'index 0.5', (m) => m.stringInsert('todos.a.title', 0.5, 'x')),
  bad('stringRemove', 'todos.a.title', TypeError, /howMany must be an integer/, 'howMany 0.5', (m) => m.stringRemove('todos.a.title', 0, 0.5)),
  bad('set', 'todos.a.tags.x', TypeError, /"x" is not an index/, 'a key on an array', (m) => m.set('todos.a.tags.x', 1)),
  bad('set', 'todos.a.tags.01', TypeError, /"01" is not an index/, 'index "01"', (m) => m.set('todos.a.tags.01', 1)),
  bad('set', 'todos.a.tags.-1', TypeError, /"-1" is not an index/, 'index "-1"', (m) => m.set('todos.a.tags.-1', 1)),
  // Indices out of range.
  bad('insert', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'past the end', (m) => m.insert('todos.a.tags', 4, 'x')),
  bad('insert', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'a negative index', (m) => m.insert('todos.a.tags', -1, 'x')),
  bad('insert', 'todos.a.list', RangeError, OUT_OF_RANGE, 'past the end of a missing array', (m) => m.insert('todos.a.list', 1, 'x')),
  bad('remove', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'at the length', (m) => m.remove('todos.a.tags', 3)),
  bad('remove', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'beyond the end', (m) => m.remove('todos.a.tags', 2, 2)),
  bad('remove', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'a negative index', (m) => m.remove('todos.a.tags', -1)),
  bad('remove', 'todos.a.tags', RangeError, /howMany must not be negative/, 'a negative howMany', (m) => m.remove('todos.a.tags', 0, -1)),
  bad('remove', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'path form past the end', (m) => m.remove('todos.a.tags.5')),
  bad('move', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'to past the end', (m) => m.move('todos.a.tags', 0, 3)),
  bad('move', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'from past the end', (m) => m.move('todos.a.tags', 3, 0)),
  bad('move', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'from before the start', (m) => m.move('todos.a.tags', -4, 0)),
  bad('move', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'too many', (m) => m.move('todos.a.tags', 1, 0, 3)),
  bad('move', 'todos.a.tags', RangeError, OUT_OF_RANGE, 'howMany 0', (m) => m.move('todos.a.tags', 0, 1, 0)),
  bad('set', 'todos.a.tags.4', RangeError, /index 4 is past the end of todos\.a\.tags \(length 3\)/, 'past the end', (m) => m.set('todos.a.tags.4', 'x')),
  bad('set', 'todos.a.items.2.k', RangeError, /past the end of todos\.a\.items/, 'inside a missing element', (m) => m.set('todos.a.items.2.k', 1)),
  bad('set', 'todos.a.list.1', RangeError, /past the end of todos\.a\.list/, 'past the end of a missing array', (m) => m.set('todos.a.list.1', 1)),
  bad('increment', 'todos.a.tags.4', RangeError, /past the end/, 'past the end', (m) => m.increment('todos.a.tags.4')),
  bad('stringInsert', 'todos.a.title', RangeError, OUT_OF_RANGE, 'past the end', (m) => m.stringInsert('todos.a.title', 6, 'x')),
  bad('stringRemove', 'todos.a.title', RangeError, OUT_OF_RANGE, 'beyond the end', (m) => m.stringRemove('todos.a.title', 3, 5)),
  // Values that are not JSON, named where inside the value.
  bad('set', 'todos.a.v', TypeError, /value: a function is not JSON/, 'a function', (m) => m.set('todos.a.v', fn)),
  bad('set', 'todos.a.v', TypeError, /value: a symbol is not JSON/, 'a symbol', (m) => m.set('todos.a.v', Symbol('s'))),
  bad('set', 'todos.a.v', TypeError, /value: a bigint is not JSON/, 'a bigint', (m) => m.set('todos.a.v', 5n)),
  bad('set', 'todos.a.v', TypeError, /value\.when: a Date instance/, 'a Date', (m) => m.set('todos.a.v', { when: new Date() })),
  bad('push', 'todos.a.tags', TypeError, /values\.0: a Map instance/, 'a Map', (m) => m.push('todos.a.tags', new Map())),
  bad('insert', 'todos.a.tags', TypeError, /values\.1: a Point instance/, 'a class instance', (m) => m.insert('todos.a.tags', 0, 'ok', new Point())),
  bad('set', 'todos.a.v', TypeError, /value: NaN is not a finite number/, 'NaN', (m) => m.set('todos.a.v', NaN)),
  bad('setEach', 'todos.a', TypeError, /object\.b: Infinity is not a finite number/, 'Infinity', (m) => m.setEach('todos.a', { a: 1, b: Infinity })),
  bad('setDiff', 'todos.a.v', TypeError, /value\.0: -Infinity/, '-Infinity', (m) => m.setDiff('todos.a.v', [-Infinity])),
  bad('set', 'todos.a.v', TypeError, /value\.a\.b\.c: the value contains a cycle/, 'a cycle', (m) => m.set('todos.a.v', cycle)),
  bad('setNull', 'todos.a.v', TypeError, /value\.l\.1: sparse arrays/, 'a sparse array', (m) => m.setNull('todos.a.v', { l: sparse })),
  bad('setDiffDeep', 'todos.a.v', TypeError, /value\.1: undefined is not allowed in an array/, 'undefined in an array', (m) => m.setDiffDeep('todos.a.v', [1, undefined])),
  bad('create', 'todos.b', TypeError, /value\.a\.b\.1\.c: a function is not JSON/, 'a function deep inside', (m) => m.create('todos.b', { a: { b: [1, { c: fn }] } })),
  bad('add', 'todos', TypeError, /value\.p: a Point instance/, 'a class instance', (m) => m.add('todos', { id: 'c', p: new Point() })),
  bad('unshift', 'todos.a.tags', TypeError, JSON_VALUE, 'a nested function', (m) => m.unshift('todos.a.tags', { f: [fn] })),
  // Object keys that cannot be stored.
  bad('set', 'todos.a.v', TypeError, /empty key/, 'an empty key', (m) => m.set('todos.a.v', { '': 1 })),
  bad('set', 'todos.a.v', TypeError, /contains a dot/, 'a key with a dot', (m) => m.set('todos.a.v', { 'a.b': 1 })),
  bad('set', 'todos.a.v', TypeError, /NUL/, 'a key starting with NUL', (m) => m.set('todos.a.v', { '\u0000counter': 1 })),
  bad('set', 'todos.a.v', TypeError, /__proto__/, 'a __proto__ key', (m) => m.set('todos.a.v', JSON.parse('{"__proto__":1}'))),
  bad('set', 'todos.a', TypeError, /value\.x\.y\.__proto__/, 'a nested __proto__ key', (m) => m.set('todos.a', JSON.parse('{"x":{"y":{"__proto__":1}}}'))),
  bad('push', 'todos.a.tags', TypeError, /values\.0\.a\.b/, 'a nested dotted key', (m) => m.push('todos.a.tags', { a: { 'b.c': 1 } })),
  bad('setEach', 'todos.a', TypeError, /contains a dot/, 'a dotted key', (m) => m.setEach('todos.a', { 'b.c': 1 })),
  bad('set', 'todos.a.__proto__', TypeError, /reserved/, 'a __proto__ path segment', (m) => m.set('todos.a.__proto__', 1)),
  bad('set', 'todos.a.\u0000counter', TypeError, /NUL/, 'a NUL field segment', (m) => m.set('todos.a.\u0000counter', 1)),
  bad('set', 'todos.a.meta.\u0000counter', TypeError, /NUL/, 'a NUL nested segment', (m) => m.set('todos.a.meta.\u0000counter', 1)),
  // Document values that are not objects.
  bad('set', 'todos.a', TypeError, /must be an object/, 'a number', (m) => m.set('todos.a', 5)),
  bad('set', 'todos.a', TypeError, /must be an object/, 'an array', (m) => m.set('todos.a', [1])),
  bad('set', 'todos.b', TypeError, /must be an object/, 'null', (m) => m.set('todos.b', null)),
  bad('setNull', 'todos.b', TypeError, /must be an object/, 'a number', (m) => m.setNull('todos.b', 5)),
  bad('setDiff', 'todos.a', TypeError, /must be an object/, 'a string', (m) => m.setDiff('todos.a', 'x')),
  bad('setDiffDeep', 'todos.a', TypeError, /must be an object/, 'an array', (m) => m.setDiffDeep('todos.a', [1])),
  // setArrayDiff(Deep) works on arrays only.
  bad('setArrayDiff', 'todos', Error, SHORT, 'a collection path', (m) => m.setArrayDiff('todos', [])),
  bad('setArrayDiff', 'todos.a', TypeError, /a document is an object, not an array/, 'a document path', (m) => m.setArrayDiff('todos.a', [])),
  bad('setArrayDiff', 'todos.a.title', TypeError, NOT_ARRAY, 'a string in the way', (m) => m.setArrayDiff('todos.a.title', ['x'])),
  bad('setArrayDiffDeep', 'todos.a.counter', TypeError, NOT_ARRAY, 'a counter in the way', (m) => m.setArrayDiffDeep('todos.a.counter', [1])),
  bad('setArrayDiffDeep', 'todos.a.tags', TypeError, /the value must be an array, got object/, 'an object value', (m) => m.setArrayDiffDeep('todos.a.tags', { a: 1 } as unknown as unknown[])),
  bad('setArrayDiff', 'todos.a.tags', TypeError, /value\.1: undefined is not allowed in an array/, 'undefined in the array', (m) => m.setArrayDiff('todos.a.tags', ['a', undefined])),
  bad('setArrayDiffDeep', 'todos.a.items', TypeError, JSON_VALUE, 'a nested function', (m) => m.setArrayDiffDeep('todos.a.items', [{ k: 1 }, { f: fn }])),
  bad('create', 'todos.b', TypeError, /must be an object/, 'a number', (m) => m.create('todos.b', 5)),
  bad('createNull', 'todos.b', TypeError, /must be an object/, 'a string', (m) => m.createNull('todos.b', 'x')),
  bad('add', 'todos', TypeError, /object value/, 'an array', (m) => m.add('todos', [1] as unknown as Record<string, unknown>)),
  bad('add', 'todos', TypeError, /object value/, 'null', (m) => m.add('todos', null as unknown as Record<string, unknown>)),
  // Existing documents and ids that disagree with the path.
  bad('create', 'todos.a', Error, /already exists/, 'an existing document', (m) => m.create('todos.a', {})),
  bad('create', 'todos.a', Error, /already exists/, 'an existing document, path only', (m) => m.create('todos.a')),
  bad('create', 'todos.a', Error, /already exists/, 'an existing document, scoped', (m) => m.at('todos.a').create()),
  bad('create', 'todos.a', Error, /already exists/, 'an existing document, undefined value', (m) => m.create('todos.a', undefined)),
  bad('create', '_page.title', Error, /already exists/, 'an existing local document', (m) => m.create('_page.title', {})),
  bad('add', 'todos.a', Error, /already exists/, 'an existing id', (m) => m.add('todos', { id: 'a' })),
  bad('create', 'todos.b', Error, /"c" differs from the path's id "b"/, 'a mismatching id', (m) => m.create('todos.b', { id: 'c' })),
  bad('createNull', 'todos.b', Error, /differs/, 'a mismatching id', (m) => m.createNull('todos.b', { id: 'c' })),
  bad('create', 'todos.b', Error, /differs/, 'a numeric id', (m) => m.create('todos.b', { id: 5 })),
  bad('add', 'todos', Error, /not a valid document id/, 'an id with a space', (m) => m.add('todos', { id: 'a b' })),
  bad('add', 'todos', Error, /not a valid document id/, 'an empty id', (m) => m.add('todos', { id: '' })),
  bad('add', 'todos', Error, /not a valid document id/, 'a numeric id', (m) => m.add('todos', { id: 5 })),
];

function setup(): { model: Model; before: unknown; state: Uint8Array; events: ModelEvent[] } {
  const model = createModel();
  model.set('todos.a', INITIAL);
  model.increment('todos.a.counter');
  model.stringInsert('todos.a.text', 0, 'abc');
  model.set('_page.title', 'Todos');
  const events: ModelEvent[] = [];
  model.on('all', (event) => {
    events.push(event);
  });
  return { model, before: model.get(), state: Y.encodeStateAsUpdate(model.yDoc('todos.a')), events };
}

describe('bad input', () => {
  it('starts every case from the documented state', () => {
    const { before } = setup();
    expect(before).toEqual({ todos: { a: { ...INITIAL, counter: 1, text: 'abc' } }, _page: { title: 'Todos' } });
  });

  it.each(cases)('$name throws and changes nothing', ({ method, path, error, reason, call }) => {
    const { model, before, state, events } = setup();
    let thrown: unknown;
    try {
      call(model);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, 'it must throw').toBeInstanceOf(Error);
    const { message } = thrown as Error;
    expect((thrown as Error).constructor).toBe(error);
    expect(message).toContain(`${method}(`);
    expect(message).toContain(`'${path}'`);
    expect(message).toMatch(reason);
    expect(model.get()).toEqual(before);
    expect(Y.encodeStateAsUpdate(model.yDoc('todos.a'))).toEqual(state);
    expect(events).toEqual([]);
  });

  it('accepts any JSON value as a local document, unlike a synced one', () => {
    const { model } = setup();
    model.set('_page.count', 5);
    model.set('_page.list', [1, 2]);
    expect(model.get('_page')).toEqual({ title: 'Todos', count: 5, list: [1, 2] });
  });
});
