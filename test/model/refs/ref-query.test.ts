import { describe, expect, it } from 'vitest';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';

function todos(): Model {
  const model = createModel();
  model.set('todos.a', { title: 'a', done: false });
  model.set('todos.b', { title: 'b', done: true });
  model.set('todos.c', { title: 'c', done: false });
  return model;
}

describe('query refs', () => {
  it('query.ref makes a live ref list of the results, in order', () => {
    const model = todos();
    const query = model.query('todos', { done: false, $sort: { title: -1 } });
    query.ref('_page.open');
    expect(model.get('_page.open')).toEqual([
      { title: 'c', done: false },
      { title: 'a', done: false },
    ]);
    const heard: ModelEvent[] = [];
    model.on('all', '_page.open', (event) => heard.push(event));
    model.set('todos.b.done', false);
    expect(model.get<Array<{ title: string }>>('_page.open')?.map((todo) => todo.title)).toEqual(['c', 'b', 'a']);
    expect(heard).toEqual([expect.objectContaining({ type: 'insert', index: 1, values: [{ title: 'b', done: false }] })]);
    model.set('_page.open.0.done', true); // writes todos.c.done
    expect(model.get('todos.c.done')).toBe(true);
    expect(model.get<Array<{ title: string }>>('_page.open')?.map((todo) => todo.title)).toEqual(['b', 'a']);
  });

  it('model.ref(path, query) is query.ref(path)', () => {
    const model = todos();
    model.ref('_page.open', model.query('todos', { done: false, $sort: { title: 1 } }));
    expect(model.get('_page.open.1.title')).toBe('c');
  });

  it('query.refIds makes a live ref to the result ids', () => {
    const model = todos();
    const query = model.query('todos', { done: true });
    query.refIds('_page.doneIds');
    expect(model.get('_page.doneIds')).toEqual(['b']);
    model.set('todos.a.done', true);
    expect(model.get('_page.doneIds')).toEqual(['a', 'b']);
  });

  it('stops following the query once the ref is removed', () => {
    const model = todos();
    const query = model.query('todos', { done: true });
    query.refIds('_page.doneIds');
    model.removeRef('_page.doneIds');
    expect(model.get('_page.doneIds')).toBeUndefined();
    model.set('todos.a.done', true);
    expect(model.get('_page.doneIds')).toBeUndefined();
    expect(model.query('todos', { done: true })).not.toBe(query); // idle: it left the model's cache
  });

  it('refuses a bad ref path without leaving the query held', () => {
    const model = todos();
    const query = model.query('todos', { done: true });
    expect(() => query.ref('_page')).toThrow(/refList\('_page'\)/);
    expect(model.query('todos', { done: true })).not.toBe(query);
  });
});
