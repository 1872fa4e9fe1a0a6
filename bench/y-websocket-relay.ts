/**
 * The baseline server of the sync and offline benches: @y/websocket-server's
 * relay (`setupWSConnection`) on a node:http server on 127.0.0.1.
 */
import { createServer as createHttpServer } from 'node:http';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

/** A running relay. */
export interface Relay {
  readonly port: number;
  /** Its WebSocket server (for counting clients). */
  readonly wss: WebSocketServer;
  close(): Promise<void>;
}

/** Starts the relay on a free port. */
export async function startRelay(): Promise<Relay> {
  const http = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('okay');
  });
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', setupWSConnection);
  http.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    wss,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
