/**
 * The example server's authentication and rules. The token is the browser's
 * user id (see src/user.ts: a demo identity, not a secret); everyone may read
 * and edit every todo, a todo is created with its writer as owner, and only
 * its owner may delete it.
 */
import type { IncomingMessage } from 'node:http';
import type { Rules, Session } from 'yracer/server';
import type { Todo } from './src/todo.ts';

/** Reads the user id from the `token` query parameter (`guest` without one). */
export function authenticate(request: IncomingMessage): Session {
  const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  if (token === null || token === '') return { user: 'guest' };
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(token)) throw new Error('the token is not a user id');
  return { user: token };
}

const anyone = (): boolean => true;

/** Who may do what, per collection. */
export const rules: Rules = {
  todos: {
    read: anyone,
    create: (session, _id, doc: Todo) => doc.owner === session['user'],
    update: (_session, _id, before: Todo, after: Todo) => after.owner === before.owner,
    delete: (session, _id, before: Todo) => before.owner === undefined || before.owner === session['user'],
  },
  lists: { read: anyone, create: anyone, update: anyone, delete: () => false },
  letters: { read: anyone, create: anyone, update: anyone, delete: anyone },
};
