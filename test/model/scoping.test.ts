import { describe, expect, it } from 'vitest';
import { createModel, type ModelEvent } from '../../src/index.ts';

describe('at and path', () => {
  it('joins subpaths below the model path', () => {
    const model = createModel();
    const $todo = model.at('todos.a');
    expect(model.path()).toBe('');
    expect($todo.path()).toBe('todos.a');
    expect($todo.path('title')).toBe('todos.a.title');
    expect($todo.at('meta').path('x.y')).toBe('todos.a.meta.x.y');
    expect(model.at().path()).toBe('');
    expect($todo.at('').path()).toBe('todos.a');
  });

  it('joins several segments given to at() and scope(), as Racer does, instead of dropping all but the first', () => {
    const model = createModel();
    expect(model.at('todos', 'a').path()).toBe('todos.a');
    expect(model.at('todos', 'a', 'tags', 0).path()).toBe('todos.a.tags.0');
    expect(model.at('todos.a').at('meta', 'x').path()).toBe('todos.a.meta.x');
    expect(model.at('todos.a').scope('users', 'b').path()).toBe('users.b');
    expect(model.scope('users', '', 'b').path()).toBe('users.b');
    model.at('_page', 'form').set('name', 'Ann');
    expect(model.get('_page.form.name')).toBe('Ann');
  });

  it('accepts numeric subpaths as array indices', () => {
    const model = createModel();
    const $tags = model.at('todos.a.tags');
    expect($tags.path(0)).toBe('todos.a.tags.0');
    expect($tags.at(3).path()).toBe('todos.a.tags.3');
    expect($tags.at(1).leaf()).toBe('1');
  });
});

describe('scope', () => {
  it('scopes at an absolute path, whatever the current scope', () => {
    const model = createModel();
    const $todo = model.at('todos.a');
    expect($todo.scope('users.b').path()).toBe('users.b');
    expect($todo.scope().path()).toBe('');
    expect(model.scope('todos').path('a')).toBe('todos.a');
  });
});

describe('parent', () => {
  it('goes up one level by default and several when asked', () => {
    const model = createModel();
    const $title = model.at('todos.a.meta.title');
    expect($title.parent().path()).toBe('todos.a.meta');
    expect($title.parent(2).path()).toBe('todos.a');
    expect($title.parent(3).path()).toBe('todos');
  });

  it('stops at the root', () => {
    const model = createModel();
    expect(model.at('todos.a').parent(5).path()).toBe('');
    expect(model.parent().path()).toBe('');
  });
});

describe('leaf', () => {
  it('gives the last segment of the model path or of a subpath', () => {
    const model = createModel();
    const $todo = model.at('todos.a');
    expect($todo.leaf()).toBe('a');
    expect($todo.leaf('tags.2')).toBe('2');
    expect($todo.at('meta').leaf()).toBe('meta');
    expect(model.leaf()).toBe('');
  });
});

describe('scoped models', () => {
  it('keep passed data and silence when derived', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk' });
    const events: ModelEvent[] = [];
    model.on('all', (event) => events.push(event));
    model.pass({ by: 'ui' }).at('todos').at('a').set('title', 'x');
    model.silent().at('todos.b').parent().at('a').set('title', 'y');
    model.silent().scope('todos.a').set('title', 'z');
    expect(events).toEqual([{ type: 'change', path: 'todos.a.title', value: 'x', previous: 'Milk', passed: { by: 'ui' }, remote: false }]);
    expect(model.get('todos.a.title')).toBe('z');
  });

  it('share data and listeners with the root model', () => {
    const model = createModel();
    const $todo = model.at('todos.a');
    const paths: string[] = [];
    $todo.on('change', (event) => paths.push(event.path));
    model.set('todos.a', { title: 'Milk' });
    expect($todo.get()).toEqual({ title: 'Milk' });
    expect(model.at('todos').get('a.title')).toBe('Milk');
    expect(paths).toEqual(['todos.a', 'todos.a.title']);
  });
});

describe('scoped mutators', () => {
  it('resolve subpaths relative to the scope', () => {
    const model = createModel();
    const $todo = model.at('todos.a');
    $todo.set('title', 'Milk');
    $todo.setEach('meta', { n: 1 });
    $todo.push('tags', 'x');
    $todo.insert('tags', 0, 'w');
    $todo.increment('count', 2);
    $todo.stringInsert('title', 0, '>');
    $todo.setNull('note', 'n');
    $todo.setDiff('done', false);
    $todo.setDiffDeep('meta', { n: 2 });
    expect(model.get('todos.a')).toEqual({
      title: '>Milk',
      meta: { n: 2 },
      tags: ['w', 'x'],
      count: 2,
      note: 'n',
      done: false,
    });
    expect($todo.del('note')).toBe('n');
    expect($todo.pop('tags')).toBe('x');
    expect(model.get('todos.a.note')).toBeUndefined();
    expect(model.get('todos.a.tags')).toEqual(['w']);
  });

  it('write at the scope itself when no subpath is given', () => {
    const model = createModel();
    model.set('todos.a', { title: 'Milk', tags: ['x'] });
    const $title = model.at('todos.a.title');
    expect($title.set('y')).toBe('Milk');
    expect($title.get()).toBe('y');
    expect($title.setNull('z')).toBe('y');
    expect(model.at('todos.a.tags').push('q')).toBe(2);
    expect($title.del()).toBe('y');
    expect(model.get('todos.a')).toEqual({ tags: ['x', 'q'] });
  });

  it('resolve numeric subpaths in set, get, del, setNull and push', () => {
    const model = createModel();
    model.set('todos.a', { grid: [[1], [4]] });
    const $grid = model.at('todos.a.grid');
    expect($grid.set(0, [7])).toEqual([1]);
    expect($grid.get(1)).toEqual([4]);
    expect($grid.push(1, 5)).toBe(2);
    expect($grid.setNull(2, [3])).toEqual([3]);
    expect($grid.del(0)).toEqual([7]);
    expect(model.get('todos.a.grid')).toEqual([[4, 5], [3]]);
  });

  it('resolves a string index subpath in increment(subpath, by)', () => {
    const model = createModel();
    model.set('todos.a', { counts: [1, 2] });
    expect(model.at('todos.a.counts').increment('0', 5)).toBe(6);
    expect(model.get('todos.a.counts')).toEqual([6, 2]);
  });

  it('resolves a string index subpath in stringInsert and stringRemove', () => {
    const model = createModel();
    model.set('todos.a', { names: ['ab', 'cd'] });
    const $names = model.at('todos.a.names');
    $names.stringInsert('1', 1, 'x');
    expect(model.get('todos.a.names')).toEqual(['ab', 'cxd']);
    $names.stringRemove('1', 0, 1);
    expect(model.get('todos.a.names')).toEqual(['ab', 'xd']);
  });

  it('resolves a string index subpath in remove(subpath, index, howMany)', () => {
    const model = createModel();
    model.set('todos.a', { grid: [[1, 2, 3], [4]] });
    expect(model.at('todos.a.grid').remove('0', 1, 1)).toEqual([2]);
    expect(model.get('todos.a.grid')).toEqual([[1, 3], [4]]);
  });

  it('resolves a string index subpath in move(subpath, from, to, howMany)', () => {
    const model = createModel();
    model.set('todos.a', { grid: [[1, 2, 3], [4]] });
    expect(model.at('todos.a.grid').move('0', 0, 2, 1)).toEqual([1]);
    expect(model.get('todos.a.grid')).toEqual([[2, 3, 1], [4]]);
  });

  it('reads a leading number as an index or amount, never a subpath, in numeric methods', () => {
    const model = createModel();
    model.set('todos.a', { grid: [[1, 2, 3], [4]], n: 1 });
    expect(model.at('todos.a.grid').remove(0, 1)).toEqual([[1, 2, 3]]);
    expect(model.at('todos.a.n').increment(5)).toBe(6);
  });
});
