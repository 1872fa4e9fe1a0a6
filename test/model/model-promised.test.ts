import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createModel, SyncError, type Model } from '../../src/index.ts';
import { Opened } from '../helpers/client-fixtures.ts';
import { waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

type Outcome<T> = { state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown };

/** Records the outcome of a promise without awaiting it. */
function track<T>(promise: Promise<T>): { readonly outcome: Outcome<T>; readonly settled: Promise<void> } {
  const tracked: { outcome: Outcome<T>; settled: Promise<void> } = { outcome: { state: 'pending' }, settled: Promise.resolve() };
  tracked.settled = promise.then(
    (value) => void (tracked.outcome = { state: 'resolved', value }),
    (error: unknown) => void (tracked.outcome = { state: 'rejected', error }),
  );
  return tracked;
}

/** Every `*Promised` mutator, called on a model holding `_page.p` and `todos.a`, with the state it leaves. */
const CALLS: ReadonlyArray<[string, (model: Model) => Promise<unknown>, (model: Model) => unknown, unknown]> = [
  ['setPromised', (m) => m.setPromised('todos.a.title', 'x'), (m) => m.get('todos.a.title'), 'x'],
  ['setPromised (value only)', (m) => m.at('todos.a.title').setPromised('y'), (m) => m.get('todos.a.title'), 'y'],
  ['setNullPromised', (m) => m.setNullPromised('todos.a.note', 'n'), (m) => m.get('todos.a.note'), 'n'],
  ['setDiffPromised', (m) => m.setDiffPromised('todos.a.n', 5), (m) => m.get('todos.a.n'), 5],
  ['setDiffDeepPromised', (m) => m.setDiffDeepPromised('todos.a.list', [1, 9]), (m) => m.get('todos.a.list'), [1, 9]],
  ['setArrayDiffPromised', (m) => m.setArrayDiffPromised('todos.a.list', [2, 1, 7]), (m) => m.get('todos.a.list'), [2, 1, 7]],
  ['setArrayDiffDeepPromised', (m) => m.at('todos.a.list').setArrayDiffDeepPromised([8]), (m) => m.get('todos.a.list'), [8]],
  ['setEachPromised', (m) => m.setEachPromised('todos.a', { p: 1, q: 2 }), (m) => [m.get('todos.a.p'), m.get('todos.a.q')], [1, 2]],
  ['createPromised', (m) => m.createPromised('todos.b', { t: 1 }), (m) => m.get('todos.b'), { t: 1, id: 'b' }],
  ['createPromised (scoped)', (m) => m.at('todos.c').createPromised(), (m) => m.get('todos.c'), { id: 'c' }],
  ['createNullPromised', (m) => m.createNullPromised('todos.a', { t: 2 }), (m) => m.get('todos.a.t'), undefined],
  ['delPromised', (m) => m.delPromised('todos.a.n'), (m) => m.get('todos.a.n'), undefined],
  ['delPromised (scoped)', (m) => m.at('todos.a.n').delPromised(), (m) => m.get('todos.a.n'), undefined],
  ['incrementPromised', (m) => m.incrementPromised('todos.a.n', 2), (m) => m.get('todos.a.n'), 3],
  ['incrementPromised (scoped)', (m) => m.at('todos.a.n').incrementPromised(), (m) => m.get('todos.a.n'), 2],
  ['pushPromised', (m) => m.pushPromised('todos.a.list', 3), (m) => m.get('todos.a.list'), [1, 2, 3]],
  ['pushPromised (value only)', (m) => m.at('todos.a.list').pushPromised(3), (m) => m.get('todos.a.list'), [1, 2, 3]],
  ['unshiftPromised', (m) => m.unshiftPromised('todos.a.list', 0), (m) => m.get('todos.a.list'), [0, 1, 2]],
  ['insertPromised', (m) => m.insertPromised('todos.a.list', 1, 7, 8), (m) => m.get('todos.a.list'), [1, 7, 8, 2]],
  ['popPromised', (m) => m.popPromised('todos.a.list'), (m) => m.get('todos.a.list'), [1]],
  ['shiftPromised', (m) => m.shiftPromised('todos.a.list'), (m) => m.get('todos.a.list'), [2]],
  ['removePromised', (m) => m.removePromised('todos.a.list', 0, 2), (m) => m.get('todos.a.list'), []],
  ['movePromised', (m) => m.movePromised('todos.a.list', 0, 1), (m) => m.get('todos.a.list'), [2, 1]],
  ['stringInsertPromised', (m) => m.stringInsertPromised('todos.a.text', 2, 'X'), (m) => m.get('todos.a.text'), 'abXc'],
  ['stringRemovePromised', (m) => m.stringRemovePromised('todos.a.text', 0, 1), (m) => m.get('todos.a.text'), 'bc'],
  ['setPromised (local)', (m) => m.setPromised('_page.p', 2), (m) => m.get('_page.p'), 2],
];

describe('*Promised mutators (local model)', () => {
  for (const [name, call, read, expected] of CALLS) {
    it(`${name} writes at once and resolves on a later microtask`, async () => {
      const model = createModel();
      model.set('todos.a', { n: 1, list: [1, 2], text: 'abc' });
      model.set('_page.p', 1);
      const tracked = track(call(model));
      expect(read(model)).toEqual(expected);
      expect(tracked.outcome).toEqual({ state: 'pending' });
      await tracked.settled;
      expect(tracked.outcome).toEqual({ state: 'resolved', value: undefined });
    });
  }

  it('addPromised resolves with the id', async () => {
    const model = createModel();
    const id = await model.addPromised('todos', { title: 'Milk' });
    expect(model.get(`todos.${id}`)).toEqual({ title: 'Milk', id });
    expect(await model.at('_page.colors').addPromised({ id: 'red' })).toBe('red');
    expect(model.get('_page.colors')).toEqual({ red: { id: 'red' } });
  });

  it('rejects, instead of throwing, for bad input, and changes nothing', async () => {
    const model = createModel();
    model.set('todos.a', { text: 'abc' });
    const before = model.get();
    await expect(model.setPromised('todos.a.f', () => 1)).rejects.toThrow(TypeError);
    await expect(model.incrementPromised('todos.a.text')).rejects.toThrow(/increment/);
    await expect(model.createPromised('todos.a', {})).rejects.toThrow(/already exists/);
    await expect(model.addPromised('todos.a', {})).rejects.toThrow(/collection name/);
    expect(model.get()).toBe(before);
  });

  it('rejects with the schema error of a refused write', async () => {
    const model = createModel({ schema: { todos: z.object({ title: z.string() }) } });
    await model.setPromised('todos.a', { title: 'ok' });
    await expect(model.setPromised('todos.a.title', 7)).rejects.toThrow(/schema of todos\.a: title/);
    expect(model.get('todos.a.title')).toBe('ok');
  });

  it('aliases subscribe, fetch, their releases, whenNothingPending and bundle', async () => {
    const model = createModel();
    model.set('todos.a.x', 1);
    await expect(model.subscribePromised('todos.a')).resolves.toBeUndefined();
    await expect(model.fetchPromised(['todos.a'])).resolves.toBeUndefined();
    await expect(model.unsubscribePromised('todos.a')).resolves.toBeUndefined();
    await expect(model.unfetchPromised('todos.a')).resolves.toBeUndefined();
    await expect(model.whenNothingPendingPromised()).resolves.toBeUndefined();
    expect(await model.bundlePromised()).toEqual(await model.bundle());
    await expect(model.subscribePromised(5 as unknown as string)).rejects.toThrow(TypeError);
  });

  it('aliases a query\'s subscribe, fetch, unsubscribe and unfetch', async () => {
    const model = createModel();
    model.add('todos', { id: 'a', done: false });
    const query = model.query('todos', { done: false });
    await expect(query.subscribePromised()).resolves.toBeUndefined();
    await expect(query.fetchPromised()).resolves.toBeUndefined();
    expect(query.getIds()).toEqual(['a']);
    await expect(query.unsubscribePromised()).resolves.toBeUndefined();
    await expect(query.unfetchPromised()).resolves.toBeUndefined();
  });
});

describe('*Promised mutators (synced model)', () => {
  it('resolves only once the server stored the write', async () => {
    const { url, storage } = await opened.gatedServer();
    const model = opened.connect(url);
    await model.subscribe('todos.a');
    storage.hold();
    const written = track(model.setPromised('todos.a.title', 'x'));
    const added = track(model.addPromised('todos', { title: 'new' }));
    await waitFor(() => storage.held >= 1, 5000, 'the appends to reach storage');
    expect([written.outcome, added.outcome]).toEqual([{ state: 'pending' }, { state: 'pending' }]);
    storage.release();
    await Promise.all([written.settled, added.settled]);
    expect(written.outcome).toEqual({ state: 'resolved', value: undefined });
    expect(added.outcome).toMatchObject({ state: 'resolved', value: expect.stringMatching(/^[0-9A-Za-z]{16}$/) as unknown });
    expect(model.hasPending()).toBe(false);
    expect((await storage.load({ collection: 'todos', id: 'a' })).updates.length).toBeGreaterThan(0);
  });

  it('rejects with the SyncError of a write the storage refused', async () => {
    const { url, storage } = await opened.gatedServer();
    const model = opened.connect(url);
    await model.subscribe('todos.a');
    storage.failAppends(1);
    const error = await model.setPromised('todos.a.title', 'lost?').then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'storage-failed', doc: 'todos/a' });
    await expect(model.incrementPromised('todos.a.n')).resolves.toBeUndefined();
  });

  it('closePromised waits for the pending writes, then closes', async () => {
    const { url, storage } = await opened.gatedServer();
    const model = opened.connect(url);
    await model.subscribe('todos.a');
    storage.hold();
    model.set('todos.a.title', 'kept');
    const closing = track(model.closePromised());
    await waitFor(() => storage.held >= 1, 5000, 'the append to reach storage');
    expect(closing.outcome).toEqual({ state: 'pending' });
    expect(model.connection.state).toBe('online');
    storage.release();
    await closing.settled;
    expect(closing.outcome).toEqual({ state: 'resolved', value: undefined });
    expect(model.connection.state).not.toBe('online');
    expect((await storage.load({ collection: 'todos', id: 'a' })).updates.length).toBeGreaterThan(0);
  });
});
