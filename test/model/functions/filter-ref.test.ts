import { describe, expect, it } from 'vitest';
import { createModel, type ModelEvent } from '../../../src/index.ts';
import { client, startServer } from '../../helpers/sync-fixtures.ts';
import { useResources } from '../../helpers/server-fixtures.ts';

const resources = useResources();

interface Todo {
  readonly title: string;
  readonly done: boolean;
}

const byTitle = (a: Todo, b: Todo): number => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);

describe('Filter.ref', () => {
  it('makes the path a live list of the result items, in order, as documents come, go and change', () => {
    const model = createModel();
    model.set('todos.a', { title: 'milk', done: false });
    model.set('todos.b', { title: 'bread', done: true });
    model.set('todos.c', { title: 'apples', done: false });
    const open = model.filter('todos', (todo: Todo) => !todo.done).sort(byTitle).ref('_page.open');
    expect(model.get('_page.open')).toEqual([
      { title: 'apples', done: false },
      { title: 'milk', done: false },
    ]);
    expect(model.get('_page.open.1.title')).toBe('milk');
    model.set('todos.b.done', false);
    expect(model.get<Todo[]>('_page.open')?.map((todo) => todo.title)).toEqual(['apples', 'bread', 'milk']);
    model.set('todos.c.done', true);
    expect(model.get<Todo[]>('_page.open')?.map((todo) => todo.title)).toEqual(['bread', 'milk']);
    expect(open.ids()).toEqual(['b', 'a']);
  });

  it('writes through the list to the documents, and emits item changes at the list path', () => {
    const model = createModel();
    model.set('todos.a', { title: 'milk', done: false });
    model.filter('todos', (todo: Todo) => !todo.done).ref('_page.open');
    const heard: string[] = [];
    model.on('change', '_page.open.*.title', (event: ModelEvent) => void heard.push(`${event.path}=${String(model.get(event.path))}`));
    model.set('_page.open.0.title', 'oat milk');
    expect(model.get('todos.a.title')).toBe('oat milk');
    expect(heard).toEqual(['_page.open.0.title=oat milk']);
  });

  it('is what model.ref(path, filter) makes, and destroy() removes the list', () => {
    const model = createModel();
    model.set('todos.a', { title: 'milk', done: false });
    const open = model.filter('todos', (todo: Todo) => !todo.done);
    model.ref('_page.open', open);
    expect(model.get('_page.open')).toEqual([{ title: 'milk', done: false }]);
    open.destroy();
    expect(model.get('_page.open')).toBeUndefined();
    model.set('todos.b', { title: 'bread', done: false });
    expect(model.get('_page.open')).toBeUndefined();
  });

  it('follows another client\'s writes through a synced collection', async () => {
    const t = resources.server(await startServer());
    const writer = resources.model(client(t.url));
    const reader = resources.model(client(t.url));
    await reader.query('todos', {}).subscribe();
    reader.filter('todos', (todo: Todo) => !todo.done).sort(byTitle).ref('_page.open');
    const arrived = new Promise<void>((resolve) => {
      const listener = reader.on('all', '_page.open.**', () => {
        if (reader.get<Todo[]>('_page.open')?.length === 2) {
          reader.removeListener(listener);
          resolve();
        }
      });
    });
    writer.add('todos', { id: 'x', title: 'tea', done: false });
    writer.add('todos', { id: 'y', title: 'jam', done: false });
    await arrived;
    expect(reader.get<Todo[]>('_page.open')?.map((todo) => todo.title)).toEqual(['jam', 'tea']);
  });
});
