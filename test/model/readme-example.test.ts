import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/index.ts';

describe('docs/model.md example', () => {
  it('behaves as docs/model.md says', () => {
    const model = createModel();
    const id = model.add('todos', { title: 'Milk', done: false, tags: [] });
    const heard: unknown[] = [];
    model.on('change', 'todos.*.done', (event, [todoId]) => heard.push([todoId, event.value, event.previous, event.remote]));
    const $todo = model.at(`todos.${id}`);
    expect($todo.set('done', true)).toBe(false);
    expect($todo.push('tags', 'shopping')).toBe(1);
    expect($todo.increment('views')).toBe(1);
    $todo.stringInsert('title', 4, ' and eggs');
    expect(model.get(`todos.${id}`)).toEqual({ id, title: 'Milk and eggs', done: true, tags: ['shopping'], views: 1 });
    expect(heard).toEqual([[id, true, false, false]]);
    model.set('_page.filter', 'active');
    expect(model.get('_page.filter')).toBe('active');
  });
});
