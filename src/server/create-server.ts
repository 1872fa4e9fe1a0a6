/**
 * `createServer(options)`: the sync server.
 *
 * @example
 * import { createServer, sqliteStorage } from 'yracer/server';
 * const server = createServer({ storage: sqliteStorage('./data/yracer.db') });
 * const { url } = await server.listen({ port: 8080 });
 */
import type { ServerOptions } from './server-options.ts';
import { SyncServer } from './sync-server.ts';

/** Creates a sync server (not yet listening: call `listen` or `attach`). */
export function createServer(options: ServerOptions): SyncServer {
  return new SyncServer(options);
}
