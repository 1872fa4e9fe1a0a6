/**
 * Authentication with signed, expiring tokens (HMAC over user and expiry):
 * forged, expired and missing tokens are refused with 4401 while the server
 * keeps serving valid ones, and a client whose token is a function gets a
 * fresh one on every reconnect, without a reload.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createServer, memoryStorage, type Session } from '../../src/server/index.ts';
import { client, rawSocket, waitFor } from '../helpers/sync-fixtures.ts';
import { closedWithin, sleep, subscribeFrame, useResources } from '../helpers/server-fixtures.ts';

const resources = useResources();
const SECRET = 'test secret';

const sign = (payload: string): string => createHmac('sha256', SECRET).update(payload).digest('base64url');

/** `user.expiresAt.signature`, valid for `ttlMs`. */
function issue(user: string, ttlMs: number): string {
  const payload = `${user}.${Date.now() + ttlMs}`;
  return `${payload}.${sign(payload)}`;
}

/** Checks the `token` query parameter's signature and expiry. */
function authenticate(request: IncomingMessage): Session {
  const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  if (!token) throw new Error('no token');
  const [user, expiresAt, signature] = token.split('.');
  if (user === undefined || expiresAt === undefined || signature === undefined) throw new Error('malformed token');
  const expected = Buffer.from(sign(`${user}.${expiresAt}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('forged token');
  if (Number(expiresAt) <= Date.now()) throw new Error('expired token');
  return { user };
}

/** A server on its own HTTP server, with a way to cut every WebSocket's TCP connection. */
async function tokenServer() {
  const logs: string[] = [];
  const http = createHttpServer();
  const sockets = new Set<Socket>();
  http.on('upgrade', (_request, socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const server = createServer({ storage: memoryStorage(), authenticate, log: (level, message) => logs.push(`${level}: ${message}`) });
  server.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  resources.defer(async () => {
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { server, url, logs, cut: () => sockets.forEach((socket) => socket.destroy()) };
}

describe('signed tokens', () => {
  it('refuses forged, expired and missing tokens with 4401 and keeps serving valid ones', async () => {
    const t = await tokenServer();
    const reader = resources.model(client(t.url, { token: issue('ann', 60_000) }));
    await reader.subscribe('notes.a');
    const valid = issue('bob', 60_000);
    const [, expiresAt, signature] = valid.split('.');
    const forged = `ann.${expiresAt}.${signature}`; // bob's signature on ann's name
    const expired = issue('bob', -1);
    for (const [token, reason] of [
      [forged, 'forged token'],
      [expired, 'expired token'],
      ['', 'no token'],
      ['bob', 'malformed token'],
    ] as const) {
      const raw = resources.socket(await rawSocket(t.url, `?token=${encodeURIComponent(token)}`));
      raw.send(subscribeFrame(1, 'notes/a'));
      expect(await closedWithin(raw)).toEqual({ code: 4401, reason: 'unauthorized' });
      expect(raw.frames).toEqual([]);
      expect(t.logs.at(-1)).toContain(`authentication refused (${reason})`);
    }
    const writer = resources.model(client(t.url, { token: valid }));
    await writer.subscribe('notes.a');
    writer.set('notes.a.text', 'still serving');
    await waitFor(() => reader.get('notes.a.text') === 'still serving', 3000, 'the write to reach the reader');
  });

  it('stops a client whose only token expired from reconnecting', async () => {
    const t = await tokenServer();
    const model = resources.model(client(t.url, { token: issue('ann', 200) }));
    await model.subscribe('notes.a');
    await sleep(250);
    t.cut();
    await waitFor(() => model.connection.error === 'unauthorized', 3000, 'the refusal of the expired token');
    expect(model.connection.state).toBe('offline');
  });

  it('asks a token function again on each reconnect, so an expired token is replaced without a reload', async () => {
    const t = await tokenServer();
    const issued: string[] = [];
    const token = (): string => {
      issued.push(issue('ann', 200));
      return issued.at(-1) as string;
    };
    const model = resources.model(client(t.url, { token }));
    await model.subscribe('notes.a');
    model.set('notes.a.text', 'before');
    await model.whenNothingPending();
    await sleep(250); // the first token has expired
    t.cut();
    model.set('notes.a.text', 'after');
    await waitFor(() => issued.length >= 2 && model.connection.state === 'online', 3000, 'the reconnect with a fresh token');
    await model.whenNothingPending();
    expect(model.connection.error).toBeNull();
    const other = resources.model(client(t.url, { token: issue('bob', 60_000) }));
    await other.subscribe('notes.a');
    expect(other.get('notes.a.text')).toBe('after');
    // The first token is refused now.
    const stale = resources.socket(await rawSocket(t.url, `?token=${encodeURIComponent(issued[0] as string)}`));
    expect(await closedWithin(stale)).toEqual({ code: 4401, reason: 'unauthorized' });
    expect(stale.frames).toEqual([]);
  });
});
