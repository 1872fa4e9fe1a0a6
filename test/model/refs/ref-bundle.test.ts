import { describe, expect, it } from 'vitest';
import { createModel, type ModelBundle, type ModelEvent } from '../../../src/index.ts';

describe('refs in bundles', () => {
  it('carries refs, ref lists and query refs, and the resumed model keeps them live', async () => {
    const server = createModel();
    server.set('todos.a', { title: 'A', done: false });
    server.set('todos.b', { title: 'B', done: true });
    server.set('_page.ids', ['b', 'a']);
    server.ref('_page.todo', 'todos.a');
    server.set('_page.colors', ['red', 'green']);
    server.ref('_page.color', '_page.colors.1', { updateIndices: true });
    server.refList('_page.list', 'todos', '_page.ids', { deleteRemoved: true });
    server.query('todos', { done: false }).ref('_page.open');
    server.query('todos', { done: true }).refIds('_page.doneIds');
    const bundle = JSON.parse(JSON.stringify(await server.bundle())) as ModelBundle;
    expect(bundle.refs).toEqual([
      { from: '_page.todo', to: 'todos.a' },
      { from: '_page.color', to: '_page.colors.1', updateIndices: true },
      { from: '_page.list', list: 'todos', ids: '_page.ids', deleteRemoved: true },
      { from: '_page.open', query: { collection: 'todos', expression: { done: false } } },
      { from: '_page.doneIds', query: { collection: 'todos', expression: { done: true } }, ids: true },
    ]);

    const browser = createModel({ bundle });
    expect(browser.get('_page.todo.title')).toBe('A');
    expect(browser.get('_page.list')).toEqual([{ title: 'B', done: true }, { title: 'A', done: false }]);
    expect(browser.get('_page.open')).toEqual([{ title: 'A', done: false }]);
    expect(browser.get('_page.doneIds')).toEqual(['b']);
    const heard: ModelEvent[] = [];
    browser.on('all', '_page.**', (event) => heard.push(event));
    browser.set('todos.a.title', 'AA');
    expect(heard.map((event) => event.path)).toEqual(['_page.todo.title', '_page.list.1.title', '_page.open.0.title']);
    browser.set('todos.b.done', false);
    expect(browser.get('_page.doneIds')).toEqual([]);
    expect(browser.get('_page.open')).toHaveLength(2);
    browser.unshift('_page.colors', 'blue');
    expect(browser.get('_page.color')).toBe('green');
    browser.remove('_page.list', 0);
    expect(browser.get('todos.b')).toBeUndefined(); // deleteRemoved came along
  });

  it('leaves a bundle without refs as it was', async () => {
    const model = createModel();
    model.set('_page.x', 1);
    expect('refs' in (await model.bundle())).toBe(false);
  });

  it('refuses malformed refs with a TypeError naming the entry, before loading anything', () => {
    const base = { yracer: 1, docs: [], local: [['_page', 'x', 1]], subscribe: [], fetch: [] };
    expect(() => createModel({ bundle: { ...base, refs: 'x' } as unknown as ModelBundle })).toThrow(/"refs" must be an array/);
    expect(() => createModel({ bundle: { ...base, refs: [{ from: '_page..a', to: 'todos.a' }] } as unknown as ModelBundle })).toThrow(/refs\[0\]\.from must be a valid path/);
    expect(() => createModel({ bundle: { ...base, refs: [{ from: '_page.a', query: { collection: 'todos' } }] } as unknown as ModelBundle })).toThrow(/refs\[0\]\.query/);
  });
});
