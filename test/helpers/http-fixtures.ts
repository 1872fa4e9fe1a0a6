/**
 * Fixtures for HTTP API tests: a sync server with owner rules and a todo
 * schema, its HTTP API served under `/api` by a plain `http.createServer`,
 * and a `call` helper that answers with the status and parsed JSON body.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { HttpHandlerOptions, ServerOptions, Session } from '../../src/server/index.ts';
import { ownerRules } from './owner-rules.ts';
import type { Resources } from './server-fixtures.ts';
import { startServer, type TestServer } from './sync-fixtures.ts';

/** The schema of `todos`. */
export const todoSchema = z.object({
  owner: z.string(),
  title: z.string(),
  shared: z.boolean().optional(),
  done: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  rank: z.number().optional(),
});

/** The user of the `x-user` header, or of `?token=` (WebSocket upgrades): ann or bob; anyone else is refused. */
export function authenticate(request: IncomingMessage): Session {
  const header = request.headers['x-user'];
  const user = typeof header === 'string' ? header : new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  if (user !== 'ann' && user !== 'bob') throw new Error(`unknown user ${String(user)}`);
  return { user };
}

/** A sync server and its HTTP API. */
export interface Api {
  readonly t: TestServer;
  /** `http://127.0.0.1:port/api` */
  readonly base: string;
  readonly http: Server;
}

/** Starts a sync server (owner rules, todo schema, unless overridden) and serves its HTTP API at `/api` on a port of its own. */
export async function startApi(resources: Resources, options: Partial<ServerOptions> = {}, handler: HttpHandlerOptions = {}): Promise<Api> {
  const t = resources.server(await startServer({ authenticate, rules: ownerRules, schema: { todos: todoSchema }, ...options }));
  const http = createHttpServer(t.server.httpHandler({ prefix: '/api', ...handler }));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  resources.defer(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return { t, http, base: `http://127.0.0.1:${(http.address() as AddressInfo).port}/api` };
}

/** A response's status, headers and JSON body. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read into bodies freely
  readonly body: any;
}

/** Options of `call`. */
export interface CallOptions {
  readonly user?: string;
  /** A value sent as JSON, or a string sent as it is. */
  readonly body?: unknown;
  readonly contentType?: string;
}

/** Calls the API and reads the JSON answer. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.user) headers['x-user'] = options.user;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
}
