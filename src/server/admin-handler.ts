/**
 * `adminHandler(parts)`: the HTTP handler of a server's operations
 * endpoints, for `http.createServer(handler)` or an Express/connect app:
 *
 * - `GET /metrics`: the server's Prometheus metrics (text format).
 * - `GET /healthz`: 200 while the process runs (liveness).
 * - `GET /readyz`: 200 when the server takes traffic (storage answers and it
 *   is not closing), else 503 with `{ "ready": false, "reason": "..." }`.
 *
 * Other paths answer 404 and other methods 405 (HEAD is served as GET).
 * Mounted under a prefix (`app.use('/admin', handler)`), Express and connect
 * strip the prefix, so `/admin/metrics` works.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerMetrics } from './server-metrics.ts';

/** A Node HTTP handler (usable with `http.createServer`, Express and connect). */
export type AdminHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** What the handler serves. */
export interface AdminParts {
  readonly metrics: ServerMetrics;
  /** Resolves to null when ready, or to why not. */
  readonly ready: () => Promise<string | null>;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}

async function serve(parts: AdminParts, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = ['/metrics', '/healthz', '/readyz'].find((name) => path === name);
  if (!route) return json(response, 404, { error: 'not found', paths: ['/metrics', '/healthz', '/readyz'] });
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return json(response, 405, { error: 'method not allowed' });
  }
  if (route === '/healthz') return json(response, 200, { ok: true });
  if (route === '/readyz') {
    const reason = await parts.ready();
    return reason === null ? json(response, 200, { ready: true }) : json(response, 503, { ready: false, reason });
  }
  const text = await parts.metrics.registry.metrics();
  response.writeHead(200, { 'content-type': parts.metrics.registry.contentType, 'cache-control': 'no-store' });
  response.end(text);
}

/** Creates the handler (see the file's comment). */
export function adminHandler(parts: AdminParts): AdminHandler {
  return (request, response) => {
    serve(parts, request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      json(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  };
}
