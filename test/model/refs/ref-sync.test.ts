import { afterEach, describe, expect, it } from 'vitest';
import type { Model, ModelEvent } from '../../../src/index.ts';
import { createServer, memoryStorage, type SyncServer } from '../../../src/server/index.ts';

const servers: SyncServer[] = [];
const models: Model[] = [];
afterEach(async () => {
  for (const model of models.splice(0)) model.close();
  for (const server of servers.splice(0)) await server.close();
});

/** Two in-process models of one server. */
function pair(): [Model, Model] {
  const server = createServer({ storage: memoryStorage(), log: () => undefined });
  servers.push(server);
  const a = server.createModel();
  const b = server.createModel();
  models.push(a, b);
  return [a, b];
}

/** Resolves with the first event at `pattern` that `match` accepts. */
function next(model: Model, pattern: string, match: (event: ModelEvent) => boolean): Promise<ModelEvent> {
  return new Promise((resolve) => {
    const listener = model.on('all', pattern, (event) => {
      if (!match(event)) return;
      model.removeListener(listener);
      resolve(event);
    });
  });
}

describe('refs on synced models', () => {
  it('a remote write arrives through a ref and a ref list and is emitted at their paths', async () => {
    const [writer, reader] = pair();
    writer.add('todos', { id: 'a', title: 'Milk' });
    writer.add('todos', { id: 'b', title: 'Bread' });
    await writer.whenNothingPending();
    await writer.subscribe('todos.a', 'todos.b');
    await reader.subscribe('todos.a', 'todos.b');
    reader.ref('_page.todo', 'todos.a');
    reader.set('_session.ids', ['b', 'a']);
    reader.refList('_page.list', 'todos', '_session.ids');
    expect(reader.get('_page.list.1.title')).toBe('Milk');

    const atRef = next(reader, '_page.todo.title', (event) => event.type === 'change');
    const atItem = next(reader, '_page.list.1.title', (event) => event.type === 'change');
    writer.set('todos.a.title', 'Oat milk');
    expect(await atRef).toMatchObject({ path: '_page.todo.title', value: 'Oat milk', previous: 'Milk', remote: true });
    expect(await atItem).toMatchObject({ path: '_page.list.1.title', value: 'Oat milk', remote: true });
    expect(reader.get('_page.todo.title')).toBe('Oat milk');

    // A write through the ref on the reader reaches the writer.
    const atWriter = next(writer, 'todos.b.title', (event) => event.remote);
    reader.set('_page.list.0.title', 'Rye bread');
    expect(await atWriter).toMatchObject({ value: 'Rye bread' });
  });

  it('a ref to a document not loaded yet resolves, with an event at the ref path, once it loads', async () => {
    const [writer, reader] = pair();
    writer.add('todos', { id: 'late', title: 'Later' });
    await writer.whenNothingPending();
    reader.ref('_page.todo', 'todos.late');
    expect(reader.get('_page.todo')).toBeUndefined();
    const loaded = next(reader, '_page.todo', () => true);
    await reader.subscribe('todos.late');
    expect(await loaded).toMatchObject({ type: 'change', path: '_page.todo', value: { id: 'late', title: 'Later' } });
    expect(reader.get('_page.todo.title')).toBe('Later');
  });
});
