/**
 * `httpHandler(parts, options)`: the server's HTTP API, as a Node handler
 * for `http.createServer`, Express or connect (docs/http.md):
 *
 * - `GET /docs/:collection/:id`: `{ value, version }` (HEAD too).
 * - `PUT /docs/:collection/:id`: replaces the document with the JSON body.
 * - `PATCH /docs/:collection/:id`: applies a JSON Merge Patch (RFC 7396).
 * - `DELETE /docs/:collection/:id`: deletes the document.
 * - `POST /query/:collection`: one page of a query, `{ query, pageSize?, cursor? }`.
 *
 * Documents carry an ETag (a hash of the value); `If-Match` makes a write
 * conditional on it (412 when the document changed), `If-None-Match: *` a
 * `PUT` create-only. Every request is authenticated by the server's `authenticate` and checked
 * by its rules and schema like a client's; writes go through the document's
 * room (subscribers see them at once) and are answered once stored. Errors
 * are `{ "error": { "code", "message" } }` (http-errors.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDocName, type DocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import { readJsonBody } from './http-body.ts';
import { readDocument, writeDocument, type HttpChange, type HttpContext } from './http-document.ts';
import { HttpError, HttpErrorCode, httpErrorOf } from './http-errors.ts';
import { etagOf, noneMatchFails, preconditionsOf } from './http-preconditions.ts';
import { queryPage } from './http-query.ts';
import { applyMergePatch } from './json-merge-patch.ts';
import type { NextFunction } from './model-middleware.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';

/**
 * The HTTP API's handler: `(request, response, next?)`. Under Express or
 * connect, a path it does not serve goes to `next()`; alone, it answers 404.
 */
export type HttpHandler = (request: IncomingMessage, response: ServerResponse, next?: NextFunction) => void;

/** Options of `server.httpHandler()`. */
export interface HttpHandlerOptions {
  /**
   * The path the API is served under when the request's URL still holds it
   * (`http.createServer(handler)` serving `/api/docs/...`: `prefix: '/api'`).
   * Express and connect strip the path they mount a handler at, so
   * `app.use('/api', server.httpHandler())` needs none. Default: none.
   */
  readonly prefix?: string;
  /** Largest request body, in bytes (default: the server's `maxFrameBytes`, the largest update it takes). */
  readonly maxBodyBytes?: number;
}

/** What the handler needs from its server. */
export interface HttpHandlerParts extends HttpContext {
  readonly authenticate: ((request: IncomingMessage) => Session | Promise<Session>) | undefined;
  readonly log: ServerLog;
  readonly maxBodyBytes: number;
  /** True once the server is closing. */
  readonly closing: () => boolean;
}

type Route = { kind: 'doc'; key: DocName } | { kind: 'query'; collection: string };

const MERGE_PATCH = 'application/merge-patch+json';

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(`${JSON.stringify(body)}\n`);
}

/** The request's path below the API's root, or null when it is not under it. */
function pathOf(request: IncomingMessage, prefix: string): string | null {
  let path: string;
  try {
    path = new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
  if (prefix === '') return path;
  if (path === prefix || path.startsWith(`${prefix}/`)) return path.slice(prefix.length) || '/';
  // Mounted by Express/connect at the prefix: the mount path is gone from `url` (kept in `originalUrl`).
  const original = (request as IncomingMessage & { originalUrl?: unknown }).originalUrl;
  return typeof original === 'string' && original !== request.url ? path : null;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, ErrorCode.BadDocName, `"${part}" is not a valid URL-encoded name`);
  }
}

/** The route of a path, null when the API does not serve it. */
function routeOf(path: string): Route | null {
  const parts = path.split('/').slice(1);
  if (parts[0] === 'docs' && parts.length === 3) {
    const name = `${decode(parts[1] ?? '')}/${decode(parts[2] ?? '')}`;
    const key = parseDocName(name);
    if (!key) throw new HttpError(400, ErrorCode.BadDocName, `"${name}" is not a document name (collection/id: a collection starts with a letter; letters, digits and _$- in it, letters, digits and _-:~@+=$ in the id)`);
    return { kind: 'doc', key };
  }
  if (parts[0] === 'query' && parts.length === 2) return { kind: 'query', collection: decode(parts[1] ?? '') };
  return null;
}

async function authenticated(parts: HttpHandlerParts, request: IncomingMessage): Promise<Session> {
  const { authenticate } = parts;
  try {
    // A plain-JS authenticate returning nothing gets an empty session, as sockets do.
    return (authenticate ? await authenticate(request) : undefined) ?? {};
  } catch (error) {
    throw new HttpError(401, HttpErrorCode.Unauthorized, `authentication refused (${error instanceof Error ? error.message : String(error)})`);
  }
}

function notAllowed(method: string, allowed: string): HttpError {
  return new HttpError(405, HttpErrorCode.MethodNotAllowed, `${method} is not served here (${allowed} are)`, { allow: allowed });
}

async function serveDoc(parts: HttpHandlerParts, request: IncomingMessage, response: ServerResponse, key: DocName): Promise<void> {
  const method = request.method ?? 'GET';
  if (!['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw notAllowed(method, 'GET, HEAD, PUT, PATCH, DELETE');
  const session = await authenticated(parts, request);
  const preconditions = preconditionsOf(request.headers);
  // HEAD is served as GET (Node sends no body for it).
  if (method === 'GET' || method === 'HEAD') {
    const doc = await readDocument(parts, session, key);
    const etag = etagOf(doc.value);
    if (noneMatchFails(preconditions, doc.value)) {
      response.writeHead(304, { etag, 'cache-control': 'no-store' }).end();
      return;
    }
    return send(response, 200, doc, { etag });
  }
  let change: HttpChange = () => undefined;
  if (method !== 'DELETE') {
    const body = await readJsonBody(request, parts.maxBodyBytes, method === 'PATCH' ? `${MERGE_PATCH} or application/json` : 'application/json');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, HttpErrorCode.BadRequest, method === 'PATCH' ? 'a merge patch of a document must be an object' : 'a document must be a JSON object');
    }
    change =
      method === 'PUT'
        ? () => body as Record<string, unknown>
        : // A missing document stays missing: 404 (PUT creates it).
          (before) => (before === undefined ? undefined : (applyMergePatch(before, body) as Record<string, unknown>));
  }
  const written = await writeDocument(parts, session, key, change, preconditions);
  send(response, written.created ? 201 : 200, { version: written.version }, written.etag === null ? {} : { etag: written.etag });
}

async function serve(parts: HttpHandlerParts, prefix: string, request: IncomingMessage, response: ServerResponse, next: NextFunction | undefined): Promise<void> {
  const path = pathOf(request, prefix);
  const route = path === null ? null : routeOf(path);
  if (!route) {
    if (next) return next();
    throw new HttpError(404, HttpErrorCode.NotFound, 'no such route (GET, PUT, PATCH, DELETE /docs/:collection/:id; POST /query/:collection)');
  }
  if (parts.closing()) throw new HttpError(503, HttpErrorCode.Closing, 'the server is closing');
  if (route.kind === 'doc') return serveDoc(parts, request, response, route.key);
  const method = request.method ?? 'GET';
  if (method !== 'POST') throw notAllowed(method, 'POST');
  const session = await authenticated(parts, request);
  const body = await readJsonBody(request, parts.maxBodyBytes);
  send(response, 200, await queryPage(parts, session, route.collection, body));
}

/** Creates the handler (see the file's comment). */
export function httpHandler(parts: HttpHandlerParts, options: HttpHandlerOptions = {}): HttpHandler {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  if (prefix !== '' && !prefix.startsWith('/')) throw new TypeError(`yracer httpHandler(): prefix must start with "/", got "${options.prefix}"`);
  const maxBodyBytes = options.maxBodyBytes ?? parts.maxBodyBytes;
  if (!(maxBodyBytes > 0)) throw new TypeError(`yracer httpHandler(): maxBodyBytes must be a positive number, got ${String(options.maxBodyBytes)}`);
  const resolved: HttpHandlerParts = { ...parts, maxBodyBytes };
  return (request, response, next) => {
    serve(resolved, prefix, request, response, next).catch((error: unknown) => {
      const refusal = httpErrorOf(error);
      const line = `http ${request.method ?? '?'} ${request.url ?? ''}: ${refusal.status} ${refusal.code} (${refusal.message})`;
      parts.log(refusal.status >= 500 ? 'error' : refusal.status === 404 ? 'info' : 'warn', line);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // A body that is not read (refused before, or too large) ends the connection after the answer.
      send(response, refusal.status, refusal.toJSON(), { ...refusal.headers, ...(request.complete ? {} : { connection: 'close' }) });
    });
  };
}
