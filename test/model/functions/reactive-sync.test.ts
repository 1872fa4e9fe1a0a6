import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../../src/index.ts';
import { client, startServer } from '../../helpers/sync-fixtures.ts';
import { useResources } from '../../helpers/server-fixtures.ts';
import { createServer, memoryStorage } from '../../../src/server/index.ts';

const resources = useResources();

/** Resolves with the next value written at `path` (a change event at or below it). */
function nextChange(model: Model, path: string): Promise<unknown> {
  return new Promise((resolve) => {
    const listener = model.on('all', `${path}.**`, () => {
      model.removeListener(listener);
      resolve(model.get(path));
    });
  });
}

interface Todo {
  readonly title: string;
  readonly done: boolean;
  readonly rank: number;
}

describe('reactive functions and filters with remote changes', () => {
  it('re-runs a started function when another client changes its synced input', async () => {
    const t = resources.server(await startServer());
    const writer = resources.model(client(t.url));
    const reader = resources.model(client(t.url));
    await Promise.all([writer.subscribe('todos.a'), reader.subscribe('todos.a')]);
    writer.set('todos.a', { title: 'Milk', done: false, rank: 1 });
    await writer.whenNothingPending();
    if (reader.get('todos.a.title') !== 'Milk') await nextChange(reader, 'todos.a');
    reader.start('_page.label', 'todos.a.title', 'todos.a.done', (title: string, done: boolean) => `${done ? '✓' : '·'} ${title}`);
    expect(reader.get('_page.label')).toBe('· Milk');
    const changed = nextChange(reader, '_page.label');
    writer.set('todos.a.done', true);
    expect(await changed).toBe('✓ Milk');
  });

  it('updates a filter when another client adds, changes and deletes documents', async () => {
    const t = resources.server(await startServer());
    const writer = resources.model(client(t.url));
    const reader = resources.model(client(t.url));
    const query = reader.query('todos', {});
    await query.subscribe();
    const open = reader.filter('todos', (todo: Todo) => !todo.done).sort((a: Todo, b: Todo) => a.rank - b.rank);
    const changes: Array<readonly string[]> = [];
    let waiting: (() => void) | null = null;
    open.on('change', () => {
      changes.push(open.ids());
      waiting?.();
    });
    const nextResult = (): Promise<void> => new Promise((resolve) => (waiting = resolve));
    let next = nextResult();
    writer.add('todos', { id: 'b', title: 'Bread', done: false, rank: 2 });
    await next;
    next = nextResult();
    writer.add('todos', { id: 'a', title: 'Milk', done: false, rank: 1 });
    await next;
    expect(open.ids()).toEqual(['a', 'b']);
    next = nextResult();
    writer.set('todos.a.rank', 3);
    await next;
    expect(open.ids()).toEqual(['b', 'a']);
    next = nextResult();
    writer.set('todos.b.done', true);
    await next;
    expect(open.get().map((todo) => todo.title)).toEqual(['Milk']);
    next = nextResult();
    writer.del('todos.a');
    await next;
    expect(open.get()).toEqual([]);
    expect(changes).toEqual([['b'], ['a', 'b'], ['b', 'a'], ['a'], []]);
  });
});

describe('bundled started functions', () => {
  it('bundles functions started by name and re-starts them once the name is registered', async () => {
    const server = createServer({ storage: memoryStorage(), log: () => undefined });
    resources.defer(() => server.close());
    const origin = resources.model(server.createModel());
    origin.fn('upper', (title?: string) => title?.toUpperCase());
    origin.add('todos', { id: 'a', title: 'milk' });
    origin.set('_page.x', { a: 1, b: 2 });
    origin.start('_page.title', 'todos.a.title', 'upper');
    origin.start('_page.sum', '_page.x.a', '_page.x.b', { mode: 'diff' }, (a: number, b: number) => a + b);
    const bundle = JSON.parse(JSON.stringify(await origin.bundle())) as Awaited<ReturnType<Model['bundle']>>;
    expect(bundle.fns).toEqual([['_page.title', 'todos.a.title', 'upper']]);

    const resumed = createModel({ bundle });
    expect(resumed.get('_page.title')).toBe('MILK');
    resumed.set('todos.a.title', 'bread');
    expect(resumed.get('_page.title')).toBe('MILK');
    resumed.fn('upper', (title?: string) => title?.toUpperCase());
    expect(resumed.get('_page.title')).toBe('BREAD');
    resumed.set('todos.a.title', 'eggs');
    expect(resumed.get('_page.title')).toBe('EGGS');
    // Still waiting functions travel on in the next bundle.
    const again = createModel({ bundle: await createModel({ bundle }).bundle() });
    again.fn('upper', (title?: string) => `${title}!`);
    expect(again.get('_page.title')).toBe('milk!');
  });

  it('carries the options and starts at once a bundled function whose name is built in', async () => {
    const model = createModel({
      bundle: { yracer: 1, docs: [], local: [['_page', 'list', [1, 2, 3]]], subscribe: [], fetch: [], fns: [['_page.reversed', '_page.list', { mode: 'arrayDeep' }, 'reverse']] },
    });
    expect(model.get('_page.reversed')).toEqual([3, 2, 1]);
    await expect(model.bundle()).resolves.toMatchObject({ fns: [['_page.reversed', '_page.list', { mode: 'arrayDeep' }, 'reverse']] });
  });

  it('refuses a bundle whose fns are malformed, naming the entry', () => {
    const base = { yracer: 1, docs: [], local: [], subscribe: [], fetch: [] };
    expect(() => createModel({ bundle: { ...base, fns: 'x' } as never })).toThrow(/"fns" must be an array/);
    expect(() => createModel({ bundle: { ...base, fns: [[5]] } as never })).toThrow(/fns\[0\] must be \[output, \.\.\.inputs, options\?, name\]/);
    expect(() => createModel({ bundle: { ...base, fns: [['_page.a', '_page..b', 'f']] } as never })).toThrow(/fns\[0\]: .*invalid input path/);
    expect(() => createModel({ bundle: { ...base, fns: [['_page.a', { mode: 'x' }, 'f']] } as never })).toThrow(/fns\[0\]: .*mode must be one of/);
  });
});
