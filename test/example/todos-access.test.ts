/**
 * The todos example's authentication, rules and schema (example-app/access.ts,
 * example-app/src/schema.ts) on a real server: only a todo's owner may
 * delete it, a todo is created with its writer as owner, writes are validated.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authenticate, rules } from '../../example-app/access.ts';
import { schema } from '../../example-app/src/schema.ts';
import { addTodo, deleteTodos } from '../../example-app/src/todo-actions.ts';
import { WebSocket } from 'ws';
import { createModel, type CreateModelOptions, type SyncError } from 'yracer'; // the built package, as the example uses
import { startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { useResources, within } from '../helpers/server-fixtures.ts';

const resources = useResources();

function client(url: string, options: CreateModelOptions = {}) {
  const model = createModel({ url, WebSocket: WebSocket as never, backoff: { baseMs: 20, maxMs: 200 }, ...options });
  resources.defer(() => model.close());
  return model;
}

async function users() {
  const t = resources.server(await startServer({ authenticate, rules, schema }));
  const guest = client(t.url, { schema });
  const bob = client(t.url, { token: 'bob', schema });
  await Promise.all([guest.subscribe('lists.main'), bob.subscribe('lists.main')]);
  return { t, guest, bob };
}

const settled = (write: (done: (error?: Error) => void) => void): Promise<Error | undefined> =>
  within(new Promise((resolve) => write(resolve)), 5000, 'the write');

describe('todos example authenticate', () => {
  const request = (url: string, cookie?: string): IncomingMessage =>
    ({ url, headers: cookie === undefined ? {} : { cookie } }) as IncomingMessage;

  it('reads the user from the token parameter, else from the user cookie, else is guest', () => {
    expect(authenticate(request('/sync?token=ann', 'yracer-todos-user=bob'))).toEqual({ user: 'ann' });
    expect(authenticate(request('/', 'theme=dark; yracer-todos-user=bob'))).toEqual({ user: 'bob' });
    expect(authenticate(request('/'))).toEqual({ user: 'guest' });
  });

  it('refuses a token or cookie that is no user id', () => {
    expect(() => authenticate(request('/sync?token=a%20b'))).toThrow('the token is not a user id');
    expect(() => authenticate(request('/', 'yracer-todos-user=<script>'))).toThrow('the token is not a user id');
  });
});

describe('todos example access', () => {
  it('lets only the owner delete a todo', async () => {
    const { guest, bob } = await users();
    const id = addTodo(guest, 'Milk') as string; // outside a browser the user is `guest`
    await guest.whenNothingPending();
    await bob.subscribe(`todos.${id}`);
    expect(bob.get(`todos.${id}.owner`)).toBe('guest');

    const refused = (await settled((done) => bob.del(`todos.${id}`, done))) as SyncError;
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toContain('rule todos.delete denied it');
    expect(bob.get(`todos.${id}.title`)).toBe('Milk');

    deleteTodos(guest, [id]);
    await guest.whenNothingPending();
    await waitFor(() => bob.get(`todos.${id}`) === undefined, 3000, 'the owner delete at bob');
    expect(bob.get('lists.main.order')).toEqual([]);
  });

  it('refuses a todo created for another owner, and an invalid one at once', async () => {
    const { bob } = await users();
    const forged = await settled((done) => bob.add('todos', { id: 'f', listId: 'main', title: 'x', done: false, createdAt: 1, owner: 'ann' }, done));
    expect((forged as SyncError).message).toContain('rule todos.create denied it');
    expect(() => bob.add('todos', { id: 'g', listId: 'main', title: '', done: false, createdAt: 1, owner: 'bob' })).toThrow(/title/);
    expect(bob.get('todos.g')).toBeUndefined();
  });

  it('refuses a token that is not a user id', async () => {
    const { t } = await users();
    const bad = client(t.url, { token: 'not a user!' });
    await waitFor(() => bad.connection.error === 'unauthorized', 3000, 'the refusal');
  });
});
