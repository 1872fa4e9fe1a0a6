import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as Y from 'yjs';
import { SyncError } from '../../src/client/sync-error.ts';
import type { WriteErrorEvent } from '../../src/model/mutations/write-errors.ts';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { queryMessage } from '../../src/protocol/query-message.ts';
import { awarenessPayload, readPayload, step1Payload, updatePayload } from '../../src/protocol/sync-payload.ts';
import type { ServerOptions, Session } from '../../src/server/index.ts';
import { client, rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { EMPTY_STATE_VECTOR, fieldsUpdate, loadStored, recordingStorage, roundTrip, subscribeFrame, useResources, within } from '../helpers/server-fixtures.ts';
import { ownerRules } from '../helpers/owner-rules.ts';

const resources = useResources();

const todoSchema = z.object({
  owner: z.string(),
  title: z.string(),
  shared: z.boolean().optional(),
  tags: z.array(z.object({ name: z.string() })).optional(),
});

const rules = ownerRules;

const authenticate = (request: IncomingMessage): Session => {
  const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  if (token !== 'ann' && token !== 'bob') throw new Error('unknown token');
  return { user: token };
};

async function setup(options: Partial<ServerOptions> = {}) {
  const storage = recordingStorage();
  const t = resources.server(await startServer({ storage, authenticate, rules, schema: { todos: todoSchema }, ...options }));
  const ann = resources.model(client(t.url, { token: 'ann' }));
  const bob = resources.model(client(t.url, { token: 'bob' }));
  return { t, storage, ann, bob };
}

/** Sets a value and resolves with the write's callback error (undefined once stored). */
const write = (model: ReturnType<typeof client>, path: string, value: unknown): Promise<Error | undefined> =>
  within(new Promise((resolve) => model.set(path, value, (error) => resolve(error))), 5000, `the write of ${path}`);

const storedValue = async (t: { storage: Parameters<typeof loadStored>[0] }, name: string): Promise<unknown> => (await loadStored(t.storage, name)).value;

describe('rules', () => {
  it('lets the owner create, update and delete, and stores each write', async () => {
    const { t, ann } = await setup();
    await ann.subscribe('todos.a');
    expect(await write(ann, 'todos.a', { owner: 'ann', title: 'one' })).toBeUndefined();
    expect(await write(ann, 'todos.a.title', 'two')).toBeUndefined();
    expect(await storedValue(t, 'todos/a')).toEqual({ owner: 'ann', title: 'two' });
    await new Promise<void>((resolve, reject) => ann.del('todos.a', (error) => (error ? reject(error) : resolve())));
    expect(await storedValue(t, 'todos/a')).toBeUndefined();
  });

  it('refuses an update to a read-only document: nothing stored or relayed, the writer returns to the server state', async () => {
    const { t, storage, ann, bob } = await setup();
    await ann.subscribe('todos.a');
    expect(await write(ann, 'todos.a', { owner: 'ann', title: 'mine', shared: true })).toBeUndefined();
    await bob.subscribe('todos.a');
    expect(bob.get('todos.a.title')).toBe('mine');
    const appends = storage.callsOf('append', 'todos/a').length;
    const heard: WriteErrorEvent[] = [];
    bob.on('error', 'todos.*', (event) => heard.push(event));
    const relayed: unknown[] = [];
    ann.on('change', 'todos.a.**', (event) => void (event.remote && relayed.push(event.value)));

    const refused = await write(bob, 'todos.a.title', 'stolen');
    expect(refused).toBeInstanceOf(SyncError);
    expect((refused as SyncError).code).toBe('forbidden');
    expect(refused?.message).toContain('rule todos.update denied it');
    await expect(bob.whenNothingPending()).resolves.toBeUndefined();
    expect(bob.get('todos.a')).toEqual(await storedValue(t, 'todos/a'));
    expect(bob.get('todos.a.title')).toBe('mine');
    expect(heard.map((e) => [e.path, (e.error as SyncError).code])).toEqual([['todos.a', 'forbidden']]);

    // The server keeps serving both; the owner's later writes reach bob's fresh document.
    expect(await write(ann, 'todos.a.title', 'still mine')).toBeUndefined();
    // The refused write was handled before bob heard of the refusal: a relay of it would have reached ann before this ack.
    expect(relayed).toEqual([]);
    expect(storage.callsOf('append', 'todos/a')).toHaveLength(appends + 1);
    await waitFor(() => bob.get('todos.a.title') === 'still mine', 3000, 'the owner write at bob');
  });

  it('fails writes made on top of a refused one and rejects whenNothingPending', async () => {
    const { ann, bob } = await setup();
    await ann.subscribe('todos.a');
    await write(ann, 'todos.a', { owner: 'ann', title: 'mine', shared: true });
    await bob.subscribe('todos.a');
    const first = write(bob, 'todos.a.title', 'x');
    const second = write(bob, 'todos.a.shared', false);
    const waiting = bob.whenNothingPending();
    expect(((await first) as SyncError).code).toBe('forbidden');
    expect(((await second) as SyncError).message).toContain('made on top of a refused write');
    await expect(waiting).rejects.toThrow(/forbidden/);
    expect(bob.get('todos.a')).toEqual({ owner: 'ann', title: 'mine', shared: true });
    expect(bob.hasPending()).toBe(false);
  });

  it('denies a collection without rules and any access without its rule', async () => {
    const { ann } = await setup({ rules: { todos: { read: () => true } } });
    await expect(ann.subscribe('notes.n')).rejects.toThrow(/collection "notes" has no rules/);
    await ann.subscribe('todos.t');
    const note = (await write(ann, 'notes.n', { text: 'hi' })) as SyncError;
    expect(note.code).toBe('forbidden');
    expect(note.message).toContain('collection "notes" has no rules');
    const todo = (await write(ann, 'todos.t', { owner: 'ann', title: 't' })) as SyncError;
    expect(todo.message).toContain('rule todos.create is not defined');
    expect(ann.get('notes.n')).toBeUndefined();
    expect(ann.get('todos.t')).toBeUndefined();
  });

  it('denies when a rule throws and logs one warning at start without rules', async () => {
    const { ann } = await setup({
      rules: { todos: { read: () => true, create: () => Promise.reject(new Error('db down')) } },
    });
    await ann.subscribe('todos.t');
    expect(((await write(ann, 'todos.t', { owner: 'ann', title: 't' })) as SyncError).message).toContain('rule todos.create threw (db down)');
    const open = resources.server(await startServer());
    expect(open.logs.filter((line) => line.includes('no rules given'))).toHaveLength(1);
  });
});

describe('schema', () => {
  it('refuses an update invalid deep inside a nested array, names the field, and later valid writes sync', async () => {
    const { t, storage, ann, bob } = await setup();
    await ann.subscribe('todos.a');
    await write(ann, 'todos.a', { owner: 'ann', title: 'one', shared: true, tags: [{ name: 'x' }, { name: 'y' }] });
    await bob.subscribe('todos.a');
    const appends = storage.callsOf('append', 'todos/a').length;
    const bad = (await write(ann, 'todos.a.tags.1.name', 5)) as SyncError;
    expect(bad.code).toBe('invalid-document');
    expect(bad.message).toContain('schema of todos.a: tags.1.name:');
    expect(ann.get('todos.a')).toEqual(await storedValue(t, 'todos/a'));
    expect(ann.get('todos.a.tags.1.name')).toBe('y');
    expect(storage.callsOf('append', 'todos/a')).toHaveLength(appends);

    expect(await write(ann, 'todos.a.tags.1.name', 'z')).toBeUndefined();
    await waitFor(() => bob.get('todos.a.tags.1.name') === 'z', 3000, 'the valid write at bob');
    expect(await storedValue(t, 'todos/a')).toMatchObject({ tags: [{ name: 'x' }, { name: 'z' }] });
  });

  it('refuses a field the schema does not declare (a stripping object schema would pass it), naming it, and stores nothing', async () => {
    const { t, storage, ann } = await setup();
    await ann.subscribe('todos.a');
    await write(ann, 'todos.a', { owner: 'ann', title: 'one' });
    const appends = storage.callsOf('append', 'todos/a').length;
    const bad = (await write(ann, 'todos.a.hidden', 'h'.repeat(200_000))) as SyncError;
    expect(bad.code).toBe('invalid-document');
    expect(bad.message).toContain('schema of todos.a: hidden:');
    expect(storage.callsOf('append', 'todos/a')).toHaveLength(appends);
    expect(await storedValue(t, 'todos/a')).toEqual({ owner: 'ann', title: 'one' });
    expect(ann.get('todos.a')).toEqual({ owner: 'ann', title: 'one' });
  });

  it('rejects a schema that is not a Standard Schema validator', async () => {
    await expect(startServer({ schema: { todos: { parse: () => true } as never } })).rejects.toThrow(/schema\.todos is not a Standard Schema validator/);
  });
});

describe('read rules', () => {
  async function withPrivate() {
    const s = await setup();
    await s.ann.subscribe('todos.private', 'todos.open');
    await write(s.ann, 'todos.private', { owner: 'ann', title: 'secret' });
    await write(s.ann, 'todos.open', { owner: 'ann', title: 'public', shared: true });
    return s;
  }

  /** Bob's live list of todos by title and their live count, once both answered. */
  async function listAndCount(bob: ReturnType<typeof client>) {
    const list = bob.query('todos', { $sort: { title: 1 } });
    const count = bob.query('todos', { $count: true });
    await Promise.all([list.subscribe(), count.subscribe()]);
    await waitFor(() => list.status === 'complete' && count.status === 'complete', 3000, 'the query answers');
    return { list, count };
  }

  it('refuses a subscription to another user document and sends nothing of it', async () => {
    const { t, bob } = await withPrivate();
    await expect(bob.subscribe('todos.private')).rejects.toThrow(/forbidden.*rule todos.read denied it/);
    expect(bob.get('todos.private')).toBeUndefined();

    const raw = resources.socket(await rawSocket(t.url, '?token=bob'));
    raw.send(subscribeFrame(1, 'todos/private'));
    expect(await raw.next((m) => m.kind === MessageKind.Error)).toMatchObject({ code: 'forbidden', request: 1 });
    // Reading by state vector, without subscribing, is refused the same way.
    raw.send(docMessage.encode({ doc: 'todos/private', seq: 3, payload: step1Payload(EMPTY_STATE_VECTOR) }));
    expect(await raw.next((m) => m.kind === MessageKind.Error && m.seq === 3)).toMatchObject({ code: 'forbidden' });
    // Presence of the document needs a subscription.
    raw.send(docMessage.encode({ doc: 'todos/private', seq: 0, payload: awarenessPayload(new Uint8Array([0])) }));
    expect(await raw.next((m) => m.kind === MessageKind.Error && m.code === 'not-subscribed')).toBeDefined();
    await roundTrip(raw); // anything the server sent for those requests came before the pong
    expect(raw.messages.filter((m) => m.kind === MessageKind.Doc)).toEqual([]);
    // The server keeps serving: the readable document still comes.
    raw.send(subscribeFrame(4, 'todos/open'));
    expect(await raw.next((m) => m.kind === MessageKind.Subscribed && m.request === 4)).toBeDefined();
  });

  it('returns and counts only readable documents in queries, also as they change', async () => {
    const { ann, bob } = await withPrivate();
    const { list, count } = await listAndCount(bob);
    expect(list.getIds()).toEqual(['open']);
    expect(count.get()).toBe(1);
    expect(bob.get('todos.private')).toBeUndefined();

    await ann.subscribe('todos.hidden', 'todos.shown');
    await write(ann, 'todos.hidden', { owner: 'ann', title: 'aaa hidden' });
    await write(ann, 'todos.shown', { owner: 'ann', title: 'aaa shown', shared: true });
    await waitFor(() => list.getIds().length === 2 && count.get() === 2, 3000, 'the readable new document');
    expect(list.getIds()).toEqual(['shown', 'open']);
    expect(bob.get('todos.hidden')).toBeUndefined();

    // A page of a query counts only readable documents before paging.
    const first = bob.query('todos', { $sort: { title: 1 }, $limit: 1 });
    await first.fetch();
    await waitFor(() => first.status === 'complete', 3000, 'the paged answer');
    expect(first.getIds()).toEqual(['shown']);
  });

  it('adds a result document to a live query when it becomes readable, and removes it when it stops being', async () => {
    const { ann, bob } = await withPrivate();
    const { list, count } = await listAndCount(bob);
    expect(list.getIds()).toEqual(['open']);
    // Only `shared` changes: neither a filter nor a sort field of the query.
    await write(ann, 'todos.private.shared', true);
    await waitFor(() => list.getIds().join() === 'open,private' && count.get() === 2, 3000, 'private to become readable');
    expect(bob.get('todos.private.title')).toBe('secret');
    await write(ann, 'todos.open.shared', false);
    await waitFor(() => list.getIds().join() === 'private' && count.get() === 1, 3000, 'open to leave the result');
  });

  it('sends a read-filtered live query no diff for an edit that changes neither its result nor its count', async () => {
    const { t, ann } = await withPrivate();
    const raw = resources.socket(await rawSocket(t.url, '?token=bob'));
    raw.send(queryMessage.encode({ request: 1, collection: 'todos', mode: 0, expression: '{}' }));
    expect(await raw.next((m) => m.kind === MessageKind.QueryResult)).toMatchObject({ ids: ['open'], count: 1 });
    await write(ann, 'todos.open.title', 'renamed');
    await write(ann, 'todos.private.title', 'still secret');
    // A change of the result still comes, and is the first diff: one for the edits before it would have come first.
    await write(ann, 'todos.private.shared', true);
    expect(await raw.next((m) => m.kind === MessageKind.QueryDiff)).toMatchObject({ count: 2 });
    expect(raw.messages.filter((m) => m.kind === MessageKind.QueryDiff)).toHaveLength(1);
  });

  it('keeps a raw query result to readable documents and their states', async () => {
    const { t } = await withPrivate();
    const raw = resources.socket(await rawSocket(t.url, '?token=bob'));
    raw.send(queryMessage.encode({ request: 1, collection: 'todos', mode: 1, expression: '{}' }));
    const result = await raw.next((m) => m.kind === MessageKind.QueryResult);
    expect(result).toMatchObject({ ids: ['open'], count: 1 });
    expect((result as unknown as { docs: Array<{ doc: string }> }).docs.map((d) => d.doc)).toEqual(['todos/open']);
  });
});

describe('stock y-websocket endpoint', () => {
  it('closes with 4403 for a document the session may not read, and sends nothing of it', async () => {
    const { t } = await setup();
    const ann = resources.model(client(t.url, { token: 'ann' }));
    await ann.subscribe('todos.private');
    await write(ann, 'todos.private', { owner: 'ann', title: 'secret' });
    const stock = resources.socket(await rawSocket(t.url, '/todos/private?token=bob'));
    expect(await within(stock.closed, 3000, 'the close')).toEqual({ code: 4403, reason: 'forbidden' });
    expect(stock.frames).toEqual([]);
  });

  it('reverts a write to a read-only document: nothing of it stored or relayed, the connection keeps serving', async () => {
    const { t, ann } = await setup();
    await ann.subscribe('todos.a');
    await write(ann, 'todos.a', { owner: 'ann', title: 'mine', shared: true });
    const stock = resources.socket(await rawSocket(t.url, '/todos/a?token=bob'));
    await waitFor(() => stock.frames.length > 0, 2000, 'the stock step 1');
    const heard: unknown[] = [];
    ann.on('change', 'todos.a.**', (event) => heard.push(event.value));
    stock.send(updatePayload(fieldsUpdate({ title: 'stolen', owner: 'bob' })));
    await waitFor(() => t.logs.some((line) => line.includes('update refused and reverted (rule todos.update denied it)')), 3000, 'the log line');
    // The revert is stored and relayed (the refused structs as deleted, the old values again); none of its values.
    await ann.whenNothingPending();
    const stored = await t.storage.load({ collection: 'todos', id: 'a' });
    const text = [stored.state, ...stored.updates].map((part) => (part ? Buffer.from(part).toString('latin1') : '')).join('');
    expect(text).not.toContain('stolen');
    expect(heard.filter((value) => value === 'stolen' || value === 'bob')).toEqual([]);
    // The revert went out before the log line: an answer to a later request comes after it (a write racing it could lose to it).
    await ann.fetch('todos.later');
    expect(ann.get('todos.a')).toEqual({ owner: 'ann', title: 'mine', shared: true });
    // Still served: the owner's next write reaches it.
    const values = (frame: Uint8Array): unknown[] => {
      const payload = readPayload(frame);
      if (payload.type !== 'update') return [];
      return Y.decodeUpdate(payload.update).structs.flatMap((s) => (s instanceof Y.Item && s.content instanceof Y.ContentAny ? s.content.arr : []));
    };
    await write(ann, 'todos.a.title', 'next');
    await waitFor(() => stock.frames.some((frame) => values(frame).includes('next')), 3000, 'the relayed write');
    expect(stock.frames.flatMap(values)).not.toContain('stolen');
  });
});
