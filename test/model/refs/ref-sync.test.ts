import { afterEach, describe, expect, it } from 'vitest';
import type { Model, ModelEvent } from '../../../src/index.ts';
import { createServer, memoryStorage, type SyncServer } from '../../../src/server/index.ts';
import { deferred, recordingStorage } from '../../helpers/server-fixtures.ts';
import { waitFor } from '../../helpers/sync-fixtures.ts';

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

describe('ref list write callbacks on a synced model', () => {
  it('calls back once every write of the operation is stored (the items too), not at the local ids write', async () => {
    let holding = true;
    const held = deferred();
    const storage = recordingStorage(memoryStorage(), { beforeAppend: (key) => (holding && key.collection === 'todos' ? held.promise : undefined) });
    const server = createServer({ storage, log: () => undefined });
    servers.push(server);
    const model = server.createModel();
    models.push(model);
    model.refList('_page.list', 'todos', '_page.ids');
    let called: Array<Error | undefined> = [];
    try {
    model.push('_page.list', { id: 'a', title: 'Milk' }, (error) => called.push(error));
    await waitFor(() => storage.callsOf('append', 'todos/a').length === 1, 5000, 'the item append');
    // The ids are local (stored at once); the item is not stored yet.
    await Promise.resolve();
    expect(called).toEqual([]);
    holding = false;
    held.resolve();
    await waitFor(() => called.length > 0, 5000, 'the callback');
    expect(called).toEqual([undefined]);
    expect(model.get('_page.list')).toEqual([{ id: 'a', title: 'Milk' }]);

    called = [];
    model.set('_page.list', [{ id: 'a', title: 'Milk' }, { id: 'b', title: 'Bread' }], (error) => called.push(error));
    await waitFor(() => called.length > 0, 5000, 'the callback');
    expect(called).toEqual([undefined]);
    expect(storage.callsOf('append', 'todos/b')).toHaveLength(1);
    } finally {
      held.resolve();
    }
  });
});
