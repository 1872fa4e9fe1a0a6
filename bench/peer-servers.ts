/**
 * The peers bench's other servers, for sync-server.child.ts (which runs
 * each in a process of its own and answers the benchmark's commands):
 *
 * - Hocuspocus 3.4 (`@hocuspocus/server`'s `Server` on 127.0.0.1, quiet,
 *   no signal handlers) with `@hocuspocus/extension-sqlite` storing to a
 *   file: every document's whole state is written by `onStoreDocument`,
 *   debounced (defaults: 2 s after the last change, at most 10 s).
 * - ShareDB (`new ShareDB()`: its in-memory database and pub/sub) behind a
 *   `ws` WebSocketServer, each socket a JSON stream
 *   (`@teamwork/websocket-json-stream`) handed to `backend.listen`.
 *
 * Neither is given authentication or access hooks: every client may read
 * and write every document (as yracer's server with no `rules`).
 */
import { createServer as createHttpServer } from 'node:http';
import { Server as HocuspocusServer } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';
import WebSocketJSONStream from '@teamwork/websocket-json-stream';
import ShareDB from 'sharedb';
import { WebSocketServer } from 'ws';

/** A server the child runs. */
export interface Running {
  readonly port: number;
  /** Open WebSocket connections. */
  connections(): number;
  /** Documents in memory (-1 when the server does not say). */
  rooms(): number;
  close(): Promise<void>;
}

/** Resolves with `promise`, or after `ms` without it (a close that hangs does not hold the child). */
const atMost = (promise: Promise<unknown>, ms: number): Promise<void> =>
  Promise.race([promise.then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);

/** Hocuspocus with its SQLite extension on `file`. */
export async function startHocuspocus(file: string): Promise<Running> {
  const server = new HocuspocusServer({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    stopOnSignals: false,
    extensions: [new SQLite({ database: file })],
  });
  await server.listen();
  return {
    port: server.address.port,
    connections: () => server.webSocketServer.clients.size,
    rooms: () => server.hocuspocus.getDocumentsCount(),
    close: () => atMost(server.destroy(), 3_000),
  };
}

/** ShareDB on its in-memory database, over `ws` with JSON messages. */
export async function startSharedb(): Promise<Running> {
  const backend = new ShareDB();
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => backend.listen(new WebSocketJSONStream(ws)));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => wss.clients.size,
    rooms: () => -1,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await atMost(new Promise<void>((resolve) => http.close(() => resolve())), 3_000);
      await atMost(new Promise<void>((resolve) => backend.close(() => resolve())), 3_000);
    },
  };
}
