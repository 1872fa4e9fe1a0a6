/**
 * The example server's authentication and rules. The token is the browser's
 * user id (see src/user.ts: a demo identity, not a secret); everyone may read
 * and edit every todo, a todo is created with its writer as owner, and only
 * its owner may delete it.
 */
import type { IncomingMessage } from 'node:http';
import type { Rules, Session } from 'yracer/server';
import type { schema } from './src/schema.ts';
import { USER_KEY } from './src/user.ts';

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

function cookie(request: IncomingMessage, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/**
 * Reads the user id from the `token` query parameter (WebSocket connections)
 * or the user cookie (page requests); `guest` without either.
 */
export function authenticate(request: IncomingMessage): Session {
  const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? cookie(request, USER_KEY);
  if (token === null || token === '') return { user: 'guest' };
  if (!USER_ID.test(token)) throw new Error('the token is not a user id');
  return { user: token };
}

const anyone = (): boolean => true;

/** Who may do what, per collection (typed from the schema; letters has none). */
export const rules: Rules<typeof schema, 'letters'> = {
  todos: {
    read: anyone,
    create: (session, _id, doc) => doc.owner === session['user'],
    update: (_session, _id, before, after) => after.owner === before.owner,
    delete: (session, _id, before) => before.owner === undefined || before.owner === session['user'],
  },
  lists: { read: anyone, create: anyone, update: anyone, delete: () => false },
  letters: { read: anyone, create: anyone, update: anyone, delete: anyone },
};
