import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../../src/index.ts';
import { documentBytes, inspectModel } from '../../src/devtools/index.ts';
import { Opened } from '../helpers/client-fixtures.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

describe('inspectModel', () => {
  it('lists local documents, sorted, with no server connection', () => {
    const model = opened.model(createModel());
    model.set('_page.b', { n: 1 });
    model.set('todos.a', { title: 'one' });
    const inspection = inspectModel(model);
    expect(inspection.documents.map((doc) => [doc.path, doc.local, doc.held, doc.exists])).toEqual([
      ['_page.b', true, null, true],
      ['todos.a', false, null, true],
    ]);
    expect(inspection.connection).toEqual({ state: 'offline', url: null, error: null, lastSyncedAt: null });
    expect(inspection.conflicts).toBe(0);
    expect(documentBytes(model, 'todos', 'a')).toBeGreaterThan(10);
    expect(documentBytes(model, 'todos', 'missing')).toBe(0);
  });

  it('tells subscribed from fetched documents, pending writes, and the live queries with their ids', async () => {
    const t = opened.server(await startServer());
    const model = opened.model(client(t.url));
    await model.subscribe('todos.a');
    await model.fetch('todos.b');
    const query = model.query('todos', { done: false });
    model.set('todos.a', { title: 'one', done: false });
    expect(inspectModel(model).documents.find((doc) => doc.path === 'todos.a')?.pending).toBe(true);
    await query.subscribe();
    await model.whenNothingPending();
    const inspection = inspectModel(model);
    // The model keeps its connection status in local documents ($connection.state, ...): listed, never held.
    expect(inspection.documents.find((doc) => doc.path === '$connection.state')).toMatchObject({ local: true, held: null });
    const synced = inspection.documents.filter((doc) => !doc.local);
    expect(synced.map((doc) => [doc.path, doc.held, doc.pending, doc.exists])).toEqual([
      ['todos.a', 'subscribe', false, true],
      ['todos.b', 'fetch', false, false],
    ]);
    expect(inspection.queries).toEqual([{ collection: 'todos', expression: { done: false }, status: 'complete', ids: ['a'] }]);
    await waitFor(() => inspectModel(model).connection.state === 'online');
    expect(inspectModel(model).connection.url).toContain('ws://');
  });
});
