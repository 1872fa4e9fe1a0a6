import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Model } from '../../src/index.ts';
import type { WriteErrorEvent } from '../../src/model/mutations/write-errors.ts';
import { AccessRefusedError, type Session } from '../../src/server/index.ts';
import { startServer, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';
import { loadStored, recordingStorage, sleep, useResources, within } from '../helpers/server-fixtures.ts';
import { ownerRules } from '../helpers/owner-rules.ts';

const resources = useResources();

const todoSchema = z.object({ owner: z.string(), title: z.string(), shared: z.boolean().optional(), n: z.number().optional() });
type Todo = z.infer<typeof todoSchema>;

const rules = ownerRules;

/** A server with rules and a schema, holding ann's private todos a1, a2, a3 (n 1..3), ann's shared s (n 4) and bob's b (n 5). */
async function seeded(): Promise<{ t: TestServer; storage: ReturnType<typeof recordingStorage> }> {
  const storage = recordingStorage();
  const t = resources.server(await startServer({ storage, rules, schema: { todos: todoSchema } }));
  const ann = t.server.createModel({ session: { user: 'ann' } });
  const bob = t.server.createModel({ session: { user: 'bob' } });
  for (const [id, n] of [['a1', 1], ['a2', 2], ['a3', 3]] as const) ann.add('todos', { id, owner: 'ann', title: id, n });
  ann.add('todos', { id: 's', owner: 'ann', title: 'shared', shared: true, n: 4 });
  bob.add('todos', { id: 'b', owner: 'bob', title: 'bob', n: 5 });
  await Promise.all([ann.whenNothingPending(), bob.whenNothingPending()]);
  ann.close();
  bob.close();
  return { t, storage };
}

const sessionModel = (t: TestServer, session: Session, fetchOnly = false): Model =>
  resources.model(t.server.createModel({ session, fetchOnly, unloadDelayMs: 10 }));

/** Sets a value and resolves with the write's callback error (undefined once stored). */
const write = (model: Model, path: string, value: unknown): Promise<Error | undefined> =>
  within(new Promise((resolve) => model.set(path, value, (error) => resolve(error))), 5000, `the write of ${path}`);

describe('in-process model with a session', () => {
  it('rejects a subscribe the read rule denies, loads nothing and leaves it out of the bundle', async () => {
    const { t } = await seeded();
    const bob = sessionModel(t, { user: 'bob' });
    const refused = await bob.subscribe('todos.a1').then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(AccessRefusedError);
    expect((refused as AccessRefusedError).code).toBe('forbidden');
    expect((refused as Error).message).toContain('rule todos.read denied it');
    expect(bob.get('todos.a1')).toBeUndefined();
    await expect(bob.fetch('todos.a2')).rejects.toBeInstanceOf(AccessRefusedError);
    await bob.subscribe('todos.s', 'todos.b');
    expect(bob.get('todos.s.title')).toBe('shared');
    const bundle = await bob.bundle();
    expect([...bundle.subscribe].sort()).toEqual(['todos.b', 'todos.s']);
    expect(bundle.fetch).toEqual([]);
    expect(JSON.stringify(bundle)).not.toContain('a1');
    // The owner still reads it, through the server that refused bob.
    const ann = sessionModel(t, { user: 'ann' });
    await ann.subscribe('todos.a1');
    expect(ann.get('todos.a1.title')).toBe('a1');
  });

  it('returns and counts only readable documents from a query, paging after filtering', async () => {
    const { t } = await seeded();
    const bob = sessionModel(t, { user: 'bob' });
    const all = bob.query<Todo>('todos', { $sort: { n: 1 } });
    await all.fetch();
    expect(all.getIds()).toEqual(['s', 'b']);
    const page = bob.query<Todo>('todos', { $sort: { n: 1 }, $skip: 1, $limit: 1 });
    await page.fetch();
    expect(page.getIds()).toEqual(['b']);
    const count = bob.query('todos', { $count: true });
    await count.fetch();
    expect(count.get()).toBe(2);
    expect(bob.get('todos.a1')).toBeUndefined();
    const ann = sessionModel(t, { user: 'ann' });
    const annCount = ann.query('todos', { $count: true });
    await annCount.fetch();
    expect(annCount.get()).toBe(4);
  });

  it('follows a live query as documents become readable', async () => {
    const { t } = await seeded();
    const bob = sessionModel(t, { user: 'bob' });
    const q = bob.query<Todo>('todos', { $sort: { n: 1 } });
    await q.subscribe();
    expect(q.getIds()).toEqual(['s', 'b']);
    const ann = sessionModel(t, { user: 'ann' });
    await ann.subscribe('todos.a2');
    ann.set('todos.a2.shared', true);
    await waitFor(() => q.getIds().join() === 'a2,s,b', 3000, 'a2 to enter bob’s result');
    expect(bob.get('todos.a2.title')).toBe('a2');
  });

  it('refuses a write the rules deny: the callback, whenNothingPending and error event get it, the document returns to the stored state', async () => {
    const { t, storage } = await seeded();
    const ann = sessionModel(t, { user: 'ann' });
    await ann.subscribe('todos.a1');
    const watcher = sessionModel(t, { user: 'ann' });
    await watcher.subscribe('todos.a1');
    const relayed: unknown[] = [];
    watcher.on('change', 'todos.a1.**', (event) => relayed.push(event.value));
    const appends = storage.callsOf('append', 'todos/a1').length;
    const heard: WriteErrorEvent[] = [];
    ann.on('error', 'todos.*', (event) => heard.push(event));
    const refused = await write(ann, 'todos.a1.owner', 'bob');
    expect(refused).toBeInstanceOf(AccessRefusedError);
    expect(refused?.message).toContain('rule todos.update denied it');
    expect(heard.map((event) => [event.path, (event.error as AccessRefusedError).code])).toEqual([['todos.a1', 'forbidden']]);
    expect(ann.get('todos.a1')).toEqual((await loadStored(storage, 'todos/a1')).value);
    expect(ann.get('todos.a1.owner')).toBe('ann');
    expect(storage.callsOf('append', 'todos/a1').length).toBe(appends);
    // A later valid write to the same document is stored.
    expect(await write(ann, 'todos.a1.title', 'renamed')).toBeUndefined();
    expect(((await loadStored(storage, 'todos/a1')).value as Todo).title).toBe('renamed');
    await waitFor(() => watcher.get('todos.a1.title') === 'renamed', 3000, 'the valid write to reach another model');
    expect(relayed).toEqual(['renamed']);
  });

  it('rejects whenNothingPending while a refused write is pending', async () => {
    const { t } = await seeded();
    const bob = sessionModel(t, { user: 'bob' });
    await bob.subscribe('todos.s');
    bob.set('todos.s.title', 'taken');
    await expect(within(bob.whenNothingPending(), 5000, 'whenNothingPending')).rejects.toThrow('rule todos.update denied it');
    expect(bob.get('todos.s.title')).toBe('shared');
  });

  it('throws at once for a local write the server’s schema refuses, and sends nothing', async () => {
    const { t, storage } = await seeded();
    const ann = sessionModel(t, { user: 'ann' });
    await ann.subscribe('todos.a1');
    const appends = storage.callsOf('append', 'todos/a1').length;
    expect(() => ann.set('todos.a1.title', 42)).toThrow(/title/);
    expect(ann.get('todos.a1.title')).toBe('a1');
    await sleep(30);
    expect(storage.callsOf('append', 'todos/a1').length).toBe(appends);
  });

  it('empties, rather than fills in, a document the session may not read after refusing a write to it', async () => {
    const { t } = await seeded();
    const bob = sessionModel(t, { user: 'bob' }, true);
    const refused = await write(bob, 'todos.a1', { owner: 'bob', title: 'mine now' });
    expect(refused).toBeInstanceOf(AccessRefusedError);
    expect(refused?.message).toContain('rule todos.update denied it');
    expect(bob.get('todos.a1')).toBeUndefined();
    const bundle = JSON.stringify(await bob.bundle());
    expect(bundle).not.toContain('ann');
  });

  it('leaves out of an in-process query a document refused when held, and releases everything when unsubscribed', async () => {
    const storage = recordingStorage();
    // Queries re-run 200 ms after a change: the result is read from older JSON when bob subscribes.
    const t = resources.server(await startServer({ storage, rules, schema: { todos: todoSchema }, queryDelayMs: 200 }));
    const admin = resources.model(t.server.createModel());
    admin.add('todos', { id: 's', owner: 'ann', title: 'shared', shared: true, n: 1 });
    admin.add('todos', { id: 'b', owner: 'bob', title: 'bob', n: 2 });
    await admin.whenNothingPending();
    const warm = sessionModel(t, { user: 'ann' });
    await warm.query('todos', { $sort: { n: 1 } }).subscribe(); // the live query exists with s in it
    const bob = sessionModel(t, { user: 'bob' });
    admin.set('todos.s.shared', false);
    await admin.whenNothingPending();
    const q = bob.query<Todo>('todos', { $sort: { n: 1 } });
    await q.subscribe();
    expect(q.getIds()).toEqual(['b']);
    expect(bob.get('todos.s')).toBeUndefined();
    await q.unsubscribe();
    await waitFor(() => bob.get('todos.b') === undefined, 2000, 'b to unload');
    expect(await bob.bundle()).toMatchObject({ subscribe: [], fetch: [] });
  });

  it('holds at most maxQueries live queries per model with a session, as a connection does; fetches and trusted models are not limited', async () => {
    const t = resources.server(await startServer({ rules, schema: { todos: todoSchema }, maxQueries: 2 }));
    const bob = sessionModel(t, { user: 'bob' });
    await Promise.all([bob.query('todos', { n: 1 }).subscribe(), bob.query('todos', { n: 2 }).subscribe()]);
    const third = bob.query('todos', { n: 3 });
    const errors: Error[] = [];
    third.on('error', ({ error }) => errors.push(error));
    await expect(third.subscribe()).rejects.toThrow(/too-many-queries: at most 2 live queries per model with a session/);
    expect(errors).toHaveLength(1);
    await expect(bob.query('todos', { n: 4 }).fetch()).resolves.toBeUndefined();
    // Stopping one makes room.
    await bob.query('todos', { n: 1 }).unsubscribe();
    await expect(third.subscribe()).resolves.toBeUndefined();
    const trusted = resources.model(t.server.createModel());
    await Promise.all([1, 2, 3].map((n) => trusted.query('todos', { n }).subscribe()));
  });

  it('trusts a model without a session: no rule is asked', async () => {
    const { t } = await seeded();
    const trusted = resources.model(t.server.createModel());
    await trusted.subscribe('todos.a1');
    expect(await write(trusted, 'todos.a1.owner', 'bob')).toBeUndefined();
  });
});

describe('fetch-only in-process model', () => {
  it('loads subscribed documents once, lists them as subscribed, and joins no room', async () => {
    const { t } = await seeded();
    const model = sessionModel(t, { user: 'ann' }, true);
    await model.subscribe('todos.a1');
    expect(model.get('todos.a1.title')).toBe('a1');
    const writer = sessionModel(t, { user: 'ann' });
    await writer.subscribe('todos.a1');
    expect(await write(writer, 'todos.a1.title', 'changed')).toBeUndefined();
    await sleep(50);
    expect(model.get('todos.a1.title')).toBe('a1');
    expect((await model.bundle()).subscribe).toEqual(['todos.a1']);
  });

  it('answers a subscribed query once and holds its documents as subscribed', async () => {
    const { t } = await seeded();
    const model = sessionModel(t, { user: 'bob' }, true);
    const q = model.query<Todo>('todos', { $sort: { n: 1 } });
    await q.subscribe();
    expect(q.getIds()).toEqual(['s', 'b']);
    expect([...(await model.bundle()).subscribe].sort()).toEqual(['todos.b', 'todos.s']);
    const other = sessionModel(t, { user: 'bob' });
    other.add('todos', { id: 'b2', owner: 'bob', title: 'new', n: 6 });
    await other.whenNothingPending();
    await sleep(60);
    expect(q.getIds()).toEqual(['s', 'b']);
  });
});
