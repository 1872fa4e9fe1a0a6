/**
 * Read rules after subscribing (src/server/read-gate.ts): when a change makes
 * a subscribed document unreadable for a session, nothing more of it reaches
 * that session (not even the change), through a yracer client, a raw
 * multiplexed socket, a stock y-websocket client or an in-process model.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Model } from '../../src/index.ts';
import type { WriteErrorEvent } from '../../src/model/mutations/write-errors.ts';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { step1Payload } from '../../src/protocol/sync-payload.ts';
import type { Rules, Session } from '../../src/server/index.ts';
import { client, rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { EMPTY_STATE_VECTOR, sleep, subscribeFrame, useResources, within } from '../helpers/server-fixtures.ts';
import { ownerRules } from '../helpers/owner-rules.ts';

const resources = useResources();

const todoSchema = z.object({ owner: z.string(), title: z.string(), shared: z.boolean().optional() });
type Todo = z.infer<typeof todoSchema>;

const rules = ownerRules;

const authenticate = (request: IncomingMessage): Session => ({ user: new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') });

/** A server where ann owns the shared todo `s`, and ann's yracer client. */
async function setup() {
  const t = resources.server(await startServer({ authenticate, rules, schema: { todos: todoSchema } }));
  const ann = resources.model(client(t.url, { token: 'ann' }));
  await ann.subscribe('todos.s');
  ann.set('todos.s', { owner: 'ann', title: 'shared', shared: true });
  await ann.whenNothingPending();
  return { t, ann };
}

const write = async (model: Model, path: string, value: unknown): Promise<void> => {
  await within(new Promise<void>((resolve, reject) => model.set(path, value, (error) => (error ? reject(error) : resolve()))), 5000, `the write of ${path}`);
};

describe('read gate', () => {
  it('unsubscribes a client from a document that stops being readable, emits error, and sends it nothing more', async () => {
    const { t, ann } = await setup();
    const bob = resources.model(client(t.url, { token: 'bob' }));
    await bob.subscribe('todos.s');
    const heard: WriteErrorEvent[] = [];
    bob.on('error', 'todos.*', (event) => heard.push(event));
    await write(ann, 'todos.s.title', 'still shared');
    await waitFor(() => bob.get('todos.s.title') === 'still shared', 3000, 'the shared edit');

    await write(ann, 'todos.s.shared', false);
    await waitFor(() => heard.length === 1, 3000, 'the revocation');
    expect(heard[0]?.path).toBe('todos.s');
    expect(heard[0]?.error.message).toMatch(/forbidden.*no longer readable.*rule todos.read denied it/);
    await write(ann, 'todos.s.title', 'private now');
    await sleep(100);
    expect(bob.get('todos.s')).toEqual({ owner: 'ann', title: 'still shared', shared: true });
    expect(bob.connection.state).toBe('online');
    // Readable again: a new subscribe gets the current state.
    await write(ann, 'todos.s.shared', true);
    await bob.unsubscribe('todos.s');
    await bob.subscribe('todos.s');
    await waitFor(() => bob.get('todos.s.title') === 'private now', 3000, 'the state after resubscribing');
  });

  it('sends a raw multiplexed socket no frame of the document after the change that hid it', async () => {
    const { t, ann } = await setup();
    const raw = resources.socket(await rawSocket(t.url, '?token=bob'));
    raw.send(subscribeFrame(1, 'todos/s'));
    await raw.next((m) => m.kind === MessageKind.Subscribed);
    const docFrames = (): number => raw.messages.filter((m) => m.kind === MessageKind.Doc).length;
    const before = docFrames();
    await write(ann, 'todos.s.shared', false);
    expect(await raw.next((m) => m.kind === MessageKind.Error)).toMatchObject({ code: 'forbidden', doc: 'todos/s', request: 0, seq: 0 });
    await write(ann, 'todos.s.title', 'secret');
    await sleep(100);
    expect(docFrames()).toBe(before);
    // The server keeps serving the others.
    const ann2 = resources.model(client(t.url, { token: 'ann' }));
    await ann2.subscribe('todos.s');
    await write(ann2, 'todos.s.title', 'from ann2');
    await waitFor(() => ann.get('todos.s.title') === 'from ann2', 3000, 'the relayed write');
  });

  it('closes a stock y-websocket client with 4403 when its document stops being readable', async () => {
    const { t, ann } = await setup();
    const stock = resources.socket(await rawSocket(t.url, '/todos/s?token=bob'));
    await waitFor(() => stock.frames.length > 0, 2000, 'the stock step 1');
    const before = stock.frames.length;
    await write(ann, 'todos.s.shared', false);
    expect(await within(stock.closed, 3000, 'the close')).toEqual({ code: 4403, reason: 'forbidden' });
    expect(stock.frames.length).toBe(before);
    expect(t.logs.some((line) => line.includes('read revoked (rule todos.read denied it)'))).toBe(true);
  });

  it('stops a session in-process model from receiving a document that stops being readable', async () => {
    const { t, ann } = await setup();
    const bob = resources.model(t.server.createModel({ session: { user: 'bob' } }));
    await bob.subscribe('todos.s');
    const heard: WriteErrorEvent[] = [];
    bob.on('error', 'todos.*', (event) => heard.push(event));
    await write(ann, 'todos.s.shared', false);
    await waitFor(() => heard.length === 1, 3000, 'the revocation');
    expect(heard[0]?.error.message).toContain('todos.s is no longer readable');
    await write(ann, 'todos.s.title', 'secret');
    await sleep(100);
    expect(bob.get('todos.s.title')).toBe('shared');
    expect(bob.get('todos.s.shared')).toBe(true);
  });
});

describe('read gate with an async read rule racing writes', () => {
  /** Rules whose read rule answers after `delayMs` (a database lookup, say). */
  const slowRules = (delayMs: number): Rules => ({
    todos: { ...rules['todos'], read: async (session, id, doc: Todo | undefined) => (await sleep(delayMs), doc === undefined || doc.shared === true || doc.owner === session['user']) },
  });

  async function slowSetup() {
    const t = resources.server(await startServer({ authenticate, rules: slowRules(30), schema: { todos: todoSchema } }));
    const admin = resources.model(t.server.createModel()); // trusted: writes at once, no rule asked
    await admin.subscribe('todos.s');
    admin.set('todos.s', { owner: 'ann', title: 'public', shared: true });
    await admin.whenNothingPending();
    /** Makes `s` private while a read check of it runs. */
    const hideSoon = async (): Promise<void> => {
      await sleep(5);
      admin.set('todos.s.shared', false);
      admin.set('todos.s.title', 'SECRET');
      await admin.whenNothingPending();
    };
    return { t, hideSoon };
  }

  it('refuses a subscribe whose document turned private while the rule ran, and sends none of it', async () => {
    const { t, hideSoon } = await slowSetup();
    const bob = resources.model(client(t.url, { token: 'bob' }));
    const session = resources.model(t.server.createModel({ session: { user: 'bob' } }));
    const [viaSocket, inProcess] = await Promise.all([
      bob.subscribe('todos.s').then(() => null, (error: unknown) => error),
      session.subscribe('todos.s').then(() => null, (error: unknown) => error),
      hideSoon(),
    ]);
    expect(String(viaSocket)).toContain('rule todos.read denied it');
    expect(String(inProcess)).toContain('rule todos.read denied it');
    await sleep(100);
    expect(JSON.stringify(bob.get('todos.s') ?? null)).not.toContain('SECRET');
    expect(JSON.stringify(session.get('todos.s') ?? null)).not.toContain('SECRET');
  });

  it('leaves out of a query result a document that turned private after the result was read', async () => {
    const { t, hideSoon } = await slowSetup();
    const bob = resources.model(client(t.url, { token: 'bob' }));
    const q = bob.query<Todo>('todos', {});
    await Promise.all([q.fetch(), hideSoon()]);
    await sleep(100);
    expect(JSON.stringify(bob.get('todos.s') ?? null)).not.toContain('SECRET');
  });

  it('answers a step 1 sent while a revocation is being decided with forbidden, not the new state', async () => {
    const { t, hideSoon } = await slowSetup();
    const raw = resources.socket(await rawSocket(t.url, '?token=bob'));
    raw.send(subscribeFrame(1, 'todos/s'));
    await raw.next((m) => m.kind === MessageKind.Subscribed);
    const seen = raw.frames.length;
    await hideSoon();
    raw.send(docMessage.encode({ doc: 'todos/s', seq: 7, payload: step1Payload(EMPTY_STATE_VECTOR) }));
    expect(await raw.next((m) => m.kind === MessageKind.Error && m.seq === 7)).toMatchObject({ code: 'forbidden' });
    await sleep(100);
    const later = raw.frames.slice(seen).map((frame) => new TextDecoder().decode(frame));
    expect(later.some((text) => text.includes('SECRET'))).toBe(false);
  });
});

describe('read checks and the state they let through', () => {
  it('never sends a state written in the ticks between the read rule’s answer and the send', async () => {
    // The read and update rules wait for one shared promise (a cached lookup, say); the read rule then takes `ticks` more microtasks.
    for (let ticks = 0; ticks <= 6; ticks++) {
      let lookup: Promise<void> | null = null;
      let answer = (): void => undefined;
      let reads = 0;
      let updates = 0;
      const racing: Rules = {
        todos: {
          ...rules['todos'],
          read: async (session, _id, doc: Todo | undefined) => {
            reads += 1;
            if (lookup) {
              await lookup;
              for (let i = 0; i < ticks; i++) await null;
            }
            return doc === undefined || doc.shared === true || doc.owner === session['user'];
          },
          update: async () => {
            updates += 1;
            if (lookup) await lookup;
            return true;
          },
        },
      };
      const t = await startServer({ authenticate, rules: racing });
      const admin = t.server.createModel();
      await admin.subscribe('todos.s');
      admin.set('todos.s', { owner: 'ann', title: 'public', shared: true });
      await admin.whenNothingPending();
      const ann = client(t.url, { token: 'ann' });
      const bob = client(t.url, { token: 'bob' });
      try {
        await ann.subscribe('todos.s');
        lookup = new Promise<void>((resolve) => (answer = resolve));
        reads = 0;
        const subscribed = bob.subscribe('todos.s').catch(() => undefined);
        await waitFor(() => reads >= 1, 2000, 'bob’s read check');
        ann.set('todos.s', { owner: 'ann', title: 'SECRET', shared: false });
        await waitFor(() => updates >= 1, 2000, 'ann’s write check');
        answer();
        await subscribed;
        await sleep(60);
        expect(JSON.stringify(bob.get('todos.s') ?? null), `with ${ticks} ticks`).not.toContain('SECRET');
      } finally {
        ann.close();
        bob.close();
        admin.close();
        await t.server.close();
      }
    }
  });

  it('keeps a room loaded while a slow read rule runs, so the subscriber gets later writes', async () => {
    let slow = false;
    const t = resources.server(
      await startServer({
        unloadDelayMs: 40,
        rules: { todos: { read: async () => (slow && (await sleep(120)), true), create: () => true, update: () => true, delete: () => true } },
      }),
    );
    const writer = t.server.createModel();
    await writer.subscribe('todos.s');
    writer.set('todos.s', { title: 'v1' });
    await writer.whenNothingPending();
    writer.close();
    await sleep(100); // the room unloads
    slow = true;
    const bob = resources.model(client(t.url));
    await bob.subscribe('todos.s');
    slow = false;
    expect(bob.get('todos.s.title')).toBe('v1');
    const ann = resources.model(client(t.url));
    await ann.subscribe('todos.s');
    ann.set('todos.s.title', 'v2');
    await waitFor(() => bob.get('todos.s.title') === 'v2', 3000, 'the later write at bob');
  });
});

describe('read gate and write resets', () => {
  it('tells a client whose reset fetch is refused that its subscription ended, so a later subscribe is live again', async () => {
    const members = new Set(['bob']);
    const t = resources.server(
      await startServer({
        authenticate,
        rules: {
          todos: {
            read: (session) => members.has(session['user'] as string),
            create: () => true,
            update: (session, _id, _before, after: { title: string }) => members.has(session['user'] as string) && after.title !== 'bad',
            delete: () => true,
          },
        },
      }),
    );
    const admin = resources.model(t.server.createModel());
    await admin.subscribe('todos.t');
    admin.set('todos.t', { title: 'v1' });
    await admin.whenNothingPending();
    const bob = resources.model(client(t.url, { token: 'bob' }));
    await bob.subscribe('todos.t');
    members.delete('bob'); // revoked outside the document: no change of it tells the gate
    const refused = await new Promise<Error | undefined>((resolve) => bob.set('todos.t.title', 'bad', resolve));
    expect(refused?.message).toContain('rule todos.update denied it');
    await sleep(100); // the reset's fetch is refused too
    members.add('bob');
    admin.set('todos.t.title', 'v2');
    await admin.whenNothingPending();
    await bob.subscribe('todos.t');
    await waitFor(() => bob.get('todos.t.title') === 'v2', 3000, 'v2 at bob after subscribing again');
    admin.set('todos.t.title', 'v3');
    await waitFor(() => bob.get('todos.t.title') === 'v3', 3000, 'a live update at bob');
  });
});
