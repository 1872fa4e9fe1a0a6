/**
 * `upgradeEndpoint`: which endpoint an HTTP upgrade request asks for, by
 * its path: the multiplexed endpoint (the server's `path`), a stock
 * y-websocket endpoint of one document (`path/collection/id`, each part
 * URI-encoded), or none of the server's.
 */
import type { IncomingMessage } from 'node:http';
import { parseDocName, type DocName } from '../protocol/doc-name.ts';

/** The endpoint an upgrade asks for; null when it is none of the server's. */
export type UpgradeEndpoint = { kind: 'multiplexed' } | { kind: 'stock'; name: string; key: DocName } | null;

/**
 * The endpoint `request` asks for, under the server's `base` path.
 *
 * @example
 * upgradeEndpoint(request, '/sync'); // '/sync' → multiplexed, '/sync/todos/a1' → stock todos.a1
 */
export function upgradeEndpoint(request: IncomingMessage, base: string): UpgradeEndpoint {
  let url: URL;
  try {
    url = new URL(request.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
  const path = url.pathname;
  if (path === base || (base === '/' && path === '')) return { kind: 'multiplexed' };
  const prefix = base === '/' ? '/' : `${base}/`;
  if (!path.startsWith(prefix)) return null;
  const parts = path.slice(prefix.length).split('/');
  if (parts.length !== 2) return null;
  let name: string;
  try {
    name = parts.map((part) => decodeURIComponent(part)).join('/');
  } catch {
    return null;
  }
  const key = parseDocName(name);
  return key ? { kind: 'stock', name, key } : null;
}
