/**
 * `server.on('change')` (change-hooks.ts): one event per document per turn
 * and writer, the JSON values before and after, the writer's session, and
 * listeners that throw.
 */
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { memoryStorage, type ChangeEvent, type Session } from '../../src/server/index.ts';
import { ChangeHooks } from '../../src/server/change-hooks.ts';
import type { StoredWrite } from '../../src/server/stored-write.ts';
import { GatedStorage, Opened } from '../helpers/client-fixtures.ts';
import { startCluster } from '../helpers/cluster-fixtures.ts';
import { useResources } from '../helpers/server-fixtures.ts';
import { client, waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());
const resources = useResources();

const write = (before: unknown, after: unknown, session?: Session): StoredWrite => ({ session, before, after });

/** Resolves after the current turn of the event loop (the hooks emit at its end). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ChangeHooks', () => {
  it('merges the writes a document got in one turn into one event with the first before and the last after', async () => {
    const logs: string[] = [];
    const hooks = new ChangeHooks((_level, message) => logs.push(message));
    const events: ChangeEvent[] = [];
    hooks.on((event) => events.push(event));
    const ann = { user: 'ann' };
    hooks.stored('todos', 'a', 1, 1, [write(undefined, { n: 1 }, ann)]);
    hooks.stored('todos', 'a', 2, 3, [write({ n: 1 }, { n: 2 }, ann), write({ n: 2 }, { n: 3 }, ann)]);
    hooks.stored('todos', 'b', 4, 4, [write({ n: 0 }, undefined, ann)]);
    expect(events).toEqual([]);
    await nextTurn();
    expect(events).toEqual([
      { collection: 'todos', id: 'a', version: 3, before: undefined, after: { n: 3 }, session: ann },
      { collection: 'todos', id: 'b', version: 4, before: { n: 0 }, after: undefined, session: ann },
    ]);
    hooks.stored('todos', 'a', 4, 4, [write({ n: 3 }, { n: 4 }, ann)]);
    await nextTurn();
    expect(events.slice(2)).toEqual([{ collection: 'todos', id: 'a', version: 4, before: { n: 3 }, after: { n: 4 }, session: ann }]);
    expect(logs).toEqual([]);
  });

  it('starts a new event when the writer changes within a turn, so each event has one session', async () => {
    const hooks = new ChangeHooks(() => undefined);
    const events: ChangeEvent[] = [];
    hooks.on((event) => events.push(event));
    const [ann, bob] = [{ user: 'ann' }, { user: 'bob' }];
    hooks.stored('todos', 'a', 1, 3, [write(undefined, 1, ann), write(1, 2, bob), write(2, 3, bob)]);
    hooks.stored('todos', 'a', 4, 4, [write(3, 4)]);
    await nextTurn();
    expect(events.map(({ version, before, after, session }) => ({ version, before, after, session }))).toEqual([
      { version: 1, before: undefined, after: 1, session: ann },
      { version: 3, before: 1, after: 3, session: bob },
      { version: 4, before: 3, after: 4, session: undefined },
    ]);
  });

  it('logs a listener that throws and still tells the other listeners; off removes a listener', async () => {
    const logs: string[] = [];
    const hooks = new ChangeHooks((level, message) => logs.push(`${level}: ${message}`));
    const heard: string[] = [];
    const throwing = (): void => {
      throw new Error('listener broke');
    };
    const listening = (event: ChangeEvent): void => void heard.push(event.id);
    hooks.on(throwing);
    hooks.on(listening);
    hooks.stored('todos', 'a', 1, 1, [write(undefined, 1)]);
    await nextTurn();
    expect(heard).toEqual(['a']);
    expect(logs).toEqual(['error: a change listener threw for todos/a (Error: listener broke)']);
    hooks.off(listening);
    hooks.off(throwing);
    expect(hooks.active()).toBe(false);
    hooks.stored('todos', 'b', 1, 1, [write(undefined, 1)]);
    await nextTurn();
    expect(heard).toEqual(['a']);
    expect(() => hooks.on('nope' as never)).toThrow(/listener must be a function/);
  });
});

describe("server.on('change')", () => {
  const tokenOf = (request: IncomingMessage): string => new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';

  it('tells the values before and after each stored write and the session of the client that wrote it', async () => {
    // A long JSON delay: the event carries the value although the stored JSON is not written yet.
    const t = await opened.serve({ authenticate: (request) => ({ user: tokenOf(request) }), jsonDelayMs: 60_000 });
    const events: ChangeEvent[] = [];
    t.server.on('change', (event) => events.push(event));
    const ann = opened.connect(t.url, { token: 'ann' });
    ann.add('todos', { id: 'a', title: 'milk', done: false });
    await ann.whenNothingPending();
    await waitFor(() => events.length === 1, 3000, 'the create event');
    expect(events[0]).toEqual({ collection: 'todos', id: 'a', version: 1, before: undefined, after: { id: 'a', title: 'milk', done: false }, session: { user: 'ann' } });
    expect(await t.storage.loadJson({ collection: 'todos', id: 'a' })).toBeNull();

    ann.set('todos.a.done', true);
    await ann.whenNothingPending();
    await waitFor(() => events.length === 2, 3000, 'the update event');
    expect(events[1]).toMatchObject({ version: 2, before: { id: 'a', title: 'milk', done: false }, after: { id: 'a', title: 'milk', done: true } });

    ann.del('todos.a');
    await ann.whenNothingPending();
    await waitFor(() => events.length === 3, 3000, 'the delete event');
    expect(events[2]).toEqual({ collection: 'todos', id: 'a', version: 3, before: { id: 'a', title: 'milk', done: true }, after: undefined, session: { user: 'ann' } });
  });

  it('gives the session of an in-process model, and none for a trusted one', async () => {
    const t = await opened.serve();
    const events: ChangeEvent[] = [];
    t.server.on('change', (event) => events.push(event));
    const trusted = opened.model(t.server.createModel());
    trusted.add('todos', { id: 'a', n: 1 });
    await trusted.whenNothingPending();
    const acting = opened.model(t.server.createModel({ session: { user: 'job' } }));
    acting.add('todos', { id: 'b', n: 2 });
    await acting.whenNothingPending();
    await waitFor(() => events.length === 2, 3000, 'both events');
    expect(events.map(({ id, session }) => ({ id, session }))).toEqual([
      { id: 'a', session: undefined },
      { id: 'b', session: { user: 'job' } },
    ]);
  });

  it('makes one event of writes stored together in one append', async () => {
    const storage = new GatedStorage(memoryStorage());
    const t = await opened.serve({ storage });
    opened.defer(() => storage.release());
    const events: ChangeEvent[] = [];
    t.server.on('change', (event) => events.push(event));
    const writer = opened.connect(t.url);
    const reader = opened.connect(t.url);
    await reader.subscribe('todos.a');
    storage.hold();
    writer.add('todos', { id: 'a', n: 1 });
    await waitFor(() => storage.held === 1, 3000, 'the first append held');
    writer.set('todos.a.n', 2);
    writer.set('todos.a.n', 3);
    // The room applied (and relayed) both while the first append waits: they wait for the next append together.
    await waitFor(() => reader.get('todos.a.n') === 3, 3000, 'the relayed writes');
    storage.release();
    await writer.whenNothingPending();
    await waitFor(() => events.length > 0 && events[events.length - 1]?.version === 3, 3000, 'the events');
    // The first append's event and the batch's come in one turn: one event for all three writes.
    expect(events.map(({ version, before, after }) => ({ version, before, after }))).toEqual([{ version: 3, before: undefined, after: { id: 'a', n: 3 } }]);
  });

  it('keeps serving when a listener throws, and logs it', async () => {
    const t = await opened.serve();
    const heard: number[] = [];
    t.server.on('change', () => {
      throw new Error('audit failed');
    });
    t.server.on('change', (event) => heard.push(event.version));
    const writer = opened.connect(t.url);
    writer.add('todos', { id: 'a', n: 1 });
    await writer.whenNothingPending();
    writer.set('todos.a.n', 2);
    await writer.whenNothingPending();
    await waitFor(() => heard.length === 2, 3000, 'both events');
    expect(t.logs.filter((line) => line.includes('a change listener threw'))).toEqual([
      'error: a change listener threw for todos/a (Error: audit failed)',
      'error: a change listener threw for todos/a (Error: audit failed)',
    ]);
  });

  it('refuses an unknown event name, and stops calling a listener after off', async () => {
    const t = await opened.serve();
    expect(() => t.server.on('update' as 'change', () => undefined)).toThrow(/unknown event "update"/);
    const heard: string[] = [];
    const listener = (event: ChangeEvent): void => void heard.push(event.id);
    t.server.on('change', listener);
    const writer = opened.connect(t.url);
    writer.add('todos', { id: 'a', n: 1 });
    await writer.whenNothingPending();
    await waitFor(() => heard.length === 1, 3000, 'the first event');
    t.server.off('change', listener);
    writer.add('todos', { id: 'b', n: 1 });
    await writer.whenNothingPending();
    // An event of b would have been emitted at the end of the turn that stored it, before this one.
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual(['a']);
  });
});

describe("server.on('change') with stock y-websocket clients", () => {
  it("tells a stock client's write with its session, and nothing of its refused write (stored, but the value is the same)", async () => {
    const t = await opened.serve({
      authenticate: (request) => ({ user: new URL(request.url ?? '/', 'http://localhost').searchParams.get('user') ?? '' }),
      rules: { todos: { read: () => true, create: () => true, update: (_session, _id, _before, after) => after['locked'] !== true, delete: () => true } },
    });
    const events: ChangeEvent[] = [];
    t.server.on('change', (event) => events.push(event));
    const stock = new WebsocketProvider(t.url, 'todos/a', new Y.Doc(), { WebSocketPolyfill: WebSocket as never, disableBc: true, params: { user: 'sam' } });
    opened.defer(() => stock.destroy());
    await waitFor(() => stock.synced, 3000, 'the provider synced');
    stock.doc.getMap('data').set('title', 'from stock');
    await waitFor(() => events.length === 1, 3000, 'the stock write event');
    expect(events[0]).toMatchObject({ collection: 'todos', id: 'a', before: undefined, after: { title: 'from stock' }, session: { user: 'sam' } });
    stock.doc.getMap('data').set('locked', true);
    // The refused write is reverted: the provider gets the server's value back.
    await waitFor(() => !stock.doc.getMap('data').has('locked'), 3000, 'the revert');
    stock.doc.getMap('data').set('title', 'again');
    await waitFor(() => events.length === 2, 3000, 'the next write event');
    expect(events[1]).toMatchObject({ before: { title: 'from stock' }, after: { title: 'again' }, session: { user: 'sam' } });
  });
});

describe("server.on('change') with several servers sharing storage", () => {
  it("tells each server's listeners its own checked writes (stored at their version), with the writer's session", async () => {
    const yes = (): boolean => true;
    const { servers } = await startCluster(resources, 2, {
      server: {
        authenticate: (request) => ({ user: new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '' }),
        rules: { todos: { read: yes, create: yes, update: yes, delete: yes } },
      },
    });
    const [a, b] = servers as [(typeof servers)[number], (typeof servers)[number]];
    const heard: Record<'a' | 'b', ChangeEvent[]> = { a: [], b: [] };
    a.server.on('change', (event) => heard.a.push(event));
    b.server.on('change', (event) => heard.b.push(event));
    const ann = resources.model(client(a.url, { token: 'ann' }));
    const bob = resources.model(client(b.url, { token: 'bob' }));
    ann.add('todos', { id: 't', n: 1 });
    await ann.whenNothingPending();
    await bob.subscribe('todos.t');
    await waitFor(() => bob.get('todos.t.n') === 1, 3000, 'the first write on b');
    bob.set('todos.t.n', 2);
    await bob.whenNothingPending();
    await waitFor(() => heard.a.length === 1 && heard.b.length === 1, 3000, 'one event on each server');
    expect(heard.a).toEqual([{ collection: 'todos', id: 't', version: 1, before: undefined, after: { id: 't', n: 1 }, session: { user: 'ann' } }]);
    expect(heard.b).toEqual([{ collection: 'todos', id: 't', version: 2, before: { id: 't', n: 1 }, after: { id: 't', n: 2 }, session: { user: 'bob' } }]);
  });
});

describe('ChangeHooks without a change', () => {
  it('emits no event whose value did not change (same value written, or changed and changed back in one turn)', async () => {
    const hooks = new ChangeHooks(() => undefined);
    const events: ChangeEvent[] = [];
    hooks.on((event) => events.push(event));
    const value = { n: 1 };
    hooks.stored('todos', 'a', 1, 1, [write(value, value)]);
    hooks.stored('todos', 'b', 1, 2, [write({ n: 1 }, { n: 2 }), write({ n: 2 }, { n: 1 })]);
    hooks.stored('todos', 'c', 1, 1, [write({ n: 1 }, { n: 2 })]);
    await nextTurn();
    expect(events.map((event) => event.id)).toEqual(['c']);
  });
});
