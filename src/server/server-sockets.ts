/**
 * `ServerSockets`: the WebSocket side of a sync server. It handles the
 * upgrades of the HTTP servers it is attached to (or listens on one of its
 * own), picks the protocol by path (`upgradeEndpoint`), keeps the
 * connections alive (ping, and the stock clients' keep-alive), and on close
 * stops accepting and closes every socket with "going away".
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode } from '../protocol/error-code.ts';
import type { Connection, ConnectionContext } from './connection.ts';
import type { Listening, ListenOptions } from './listen-options.ts';
import { MultiplexedConnection } from './multiplexed-connection.ts';
import type { ResolvedServerOptions } from './server-options.ts';
import { StockConnection } from './stock-connection.ts';
import { upgradeEndpoint } from './upgrade-endpoint.ts';

/** What the sockets need of their server. */
export interface ServerSocketsOptions {
  readonly options: ResolvedServerOptions;
  /** True once the server is closing: upgrades are refused with 503. */
  readonly closing: () => boolean;
  /** The context of a new connection of the endpoint `kind`. */
  readonly context: (kind: 'multiplexed' | 'stock') => ConnectionContext;
}

/** The WebSocket connections of a server and the HTTP servers they come through. */
export class ServerSockets {
  /** The open connections. */
  readonly connections = new Set<Connection>();
  readonly #options: ServerSocketsOptions;
  readonly #wss: WebSocketServer;
  readonly #attached = new Map<HttpServer, (request: IncomingMessage, socket: Duplex, head: Buffer) => void>();
  readonly #owned = new Set<HttpServer>();
  readonly #keepAlive: ReturnType<typeof setInterval>;

  constructor(options: ServerSocketsOptions) {
    this.#options = options;
    const { maxFrameBytes, keepAliveMs } = options.options;
    // Frames up to twice the limit reach us (closed with 4413); ws itself closes larger ones with 1009.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes * 2, perMessageDeflate: false });
    this.#keepAlive = setInterval(() => this.#tick(), keepAliveMs);
    this.#keepAlive.unref?.();
  }

  /** Starts an HTTP server of its own and listens (see `SyncServer.listen`). */
  async listen(options: ListenOptions): Promise<Listening> {
    const http = createHttpServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' });
      response.end('yracer sync server: connect with a WebSocket\n');
    });
    this.#owned.add(http);
    this.attach(http);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, host, () => resolve());
    });
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    return { port, url: `ws://${shown}:${port}${this.#options.options.path}` };
  }

  /** Handles the WebSocket upgrades of `http` (once per HTTP server; see `SyncServer.attach`); throws once closing. */
  attach(http: HttpServer): void {
    if (this.#options.closing()) throw new Error('yracer: the server is closed');
    if (this.#attached.has(http)) return;
    const handler = (request: IncomingMessage, socket: Duplex, head: Buffer): void => this.#onUpgrade(http, handler, request, socket, head);
    this.#attached.set(http, handler);
    http.on('upgrade', handler);
  }

  #onUpgrade(
    http: HttpServer,
    handler: (...args: never[]) => void,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    const endpoint = upgradeEndpoint(request, this.#options.options.path);
    const closing = this.#options.closing();
    if (!endpoint || closing) {
      // Another handler on this HTTP server (a dev server's HMR socket, say) may own this path.
      const others = http.listeners('upgrade').filter((listener) => listener !== handler);
      if (!closing && others.length > 0) return;
      socket.end(closing ? 'HTTP/1.1 503 Service Unavailable\r\n\r\n' : 'HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const context = this.#options.context(endpoint.kind);
      const connection =
        endpoint.kind === 'multiplexed'
          ? new MultiplexedConnection(ws, request, context)
          : new StockConnection(ws, request, context, endpoint.name, endpoint.key);
      this.connections.add(connection);
      ws.on('close', () => this.connections.delete(connection));
      connection.start();
    });
  }

  #tick(): void {
    const now = Date.now();
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
      if (connection instanceof StockConnection) connection.keepAlive(now, this.#options.options.keepAliveMs);
    }
  }

  /** Stops pinging the connections (the first step of closing). */
  stopKeepAlive(): void {
    clearInterval(this.#keepAlive);
  }

  /**
   * Stops accepting: leaves the HTTP servers' upgrades, starts closing the
   * servers of its own, closes every socket with "going away". Returns the
   * last step: it ends what the servers of its own still hold open and
   * resolves once they are closed.
   */
  stopAccepting(): () => Promise<void> {
    for (const [http, handler] of this.#attached) http.off('upgrade', handler);
    const stopped = [...this.#owned].map(
      (http) => new Promise<void>((resolve) => http.close(() => resolve())),
    );
    for (const connection of this.connections) connection.close(CloseCode.GoingAway, 'server shutting down');
    this.#wss.close();
    return async () => {
      for (const http of this.#owned) http.closeAllConnections?.();
      await Promise.all(stopped);
    };
  }
}
