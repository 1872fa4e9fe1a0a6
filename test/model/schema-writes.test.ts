import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createModel } from '../../src/index.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { useResources } from '../helpers/server-fixtures.ts';

const resources = useResources();

const schema = {
  todos: z.object({
    title: z.string(),
    done: z.boolean(),
    tags: z.array(z.object({ name: z.string() })).optional(),
  }),
};

describe('schema (client side)', () => {
  it('throws at once for an invalid local write, naming the field, and changes nothing', async () => {
    const model = createModel({ schema });
    model.set('todos.a', { title: 'one', done: false, tags: [{ name: 'x' }] });
    const heard: string[] = [];
    model.on('all', 'todos.**', (event) => heard.push(event.type));
    const before = model.get('todos.a');
    expect(() => model.set('todos.a.tags.0.name', 7)).toThrow(/schema of todos\.a: tags\.0\.name:/);
    expect(() => model.del('todos.a.title')).toThrow(TypeError);
    expect(() => model.push('todos.a.tags', { name: 1 })).toThrow(/tags\.1\.name/);
    expect(model.get('todos.a')).toEqual(before);
    expect(heard).toEqual([]);
    model.set('todos.a.done', true);
    expect(model.get('todos.a.done')).toBe(true);
    expect(heard).toEqual(['change']);
  });

  it('leaves collections without a schema and app-local paths alone', () => {
    const model = createModel({ schema });
    model.set('notes.n.anything', 1);
    model.set('_page.todos', { not: 'a todo' });
    expect(model.get('notes.n.anything')).toBe(1);
  });

  it('sends nothing of a refused write, and later valid writes sync', async () => {
    const t = resources.server(await startServer());
    const writer = resources.model(client(t.url, { schema }));
    const reader = resources.model(client(t.url));
    await Promise.all([writer.subscribe('todos.a'), reader.subscribe('todos.a')]);
    writer.set('todos.a', { title: 'one', done: false });
    await writer.whenNothingPending();
    expect(() => writer.set('todos.a.done', 'yes')).toThrow(/done:/);
    expect(writer.hasPending()).toBe(false);
    writer.set('todos.a.title', 'two');
    await writer.whenNothingPending();
    await waitFor(() => reader.get('todos.a.title') === 'two', 3000, 'the valid write');
    expect(reader.get('todos.a')).toEqual({ title: 'two', done: false });
  });

  it('rejects a schema that is not a map of validators', () => {
    expect(() => createModel({ schema: { todos: 5 } as never })).toThrow(/schema\.todos is not a Standard Schema validator/);
  });
});
