/**
 * The WebSocket sync server. It owns the rooms and the connections, picks the
 * protocol at the HTTP upgrade by path (the multiplexed endpoint, or a stock
 * y-websocket endpoint per document), keeps connections alive, and shuts down
 * gracefully: stop accepting, close sockets with "going away", store what is
 * pending, close storage.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLocalModel, type LocalModelOptions } from '../model/create-model.ts';
import type { Model } from '../model/model.ts';
import { parseDocName, type DocName } from '../protocol/doc-name.ts';
import { CloseCode } from '../protocol/error-code.ts';
import { AccessRules } from './access-rules.ts';
import { DocumentHistory } from './document-history.ts';
import { HistoryError } from './history-error.ts';
import { restoreCheckpoint } from './restore-checkpoint.ts';
import type { CheckpointInfo } from '../storage/history-storage.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { AdminHandler } from './admin-handler.ts';
import type { Connection, ConnectionContext } from './connection.ts';
import { httpHandler, type HttpHandler, type HttpHandlerOptions } from './http-handler.ts';
import { InProcessSync } from './in-process-sync.ts';
import { modelMiddleware, type ModelMiddleware, type ModelMiddlewareOptions } from './model-middleware.ts';
import type { LiveQueries } from './live-queries.ts';
import { MultiplexedConnection } from './multiplexed-connection.ts';
import { repairJson } from './repair-json.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { FanoutLink } from './fanout-link.ts';
import { serverRooms } from './server-rooms.ts';
import { fanoutStatus, ServerAdmin } from './server-admin.ts';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './server-options.ts';
import type { Session } from './session.ts';
import { StockConnection } from './stock-connection.ts';
import type { ChangeListener } from './change-hooks.ts';
import type { ChangeStream } from './change-stream.ts';
import { ServerChanges, type ChangesOptions } from './server-changes.ts';

/** Where `listen` listens. */
export interface ListenOptions {
  /** Port (0, the default, picks a free one). */
  readonly port?: number;
  /** Host (default `127.0.0.1`; use `0.0.0.0` to accept other machines). */
  readonly host?: string;
}

/** What `listen` resolves to. */
export interface Listening {
  readonly port: number;
  /** The multiplexed endpoint's URL, for `createModel({ url })`. */
  readonly url: string;
}

type Endpoint = { kind: 'multiplexed' } | { kind: 'stock'; name: string; key: DocName } | null;

/** Options of `server.createModel()`. */
export interface InProcessModelOptions extends LocalModelOptions {
  /** How long a released document stays in the model, in ms (default 1,000). */
  readonly unloadDelayMs?: number;
  /**
   * The session the model acts for (what `authenticate` returns). With one,
   * the server's read rules, write rules and schema apply to the model as
   * to a client: a refused subscribe or fetch rejects with an
   * `AccessRefusedError`, queries return only readable documents, and a
   * refused write rejects its callback and `whenNothingPending()`, emits
   * `error` and returns the document to the stored state (empty when the
   * session may not read it). The server's schema also checks local writes
   * (unless `schema` is given). Without one, the model is trusted: nothing
   * is checked.
   */
  readonly session?: Session;
  /**
   * Subscribing loads documents (and queries answer) once, without joining
   * their rooms: later changes do not reach the model. The bundle still
   * lists them as subscribed, so a browser resuming from it subscribes.
   * For one request's render (`modelMiddleware()` sets it). Default false.
   */
  readonly fetchOnly?: boolean;
}

/** A yracer sync server; create it with `createServer()`. */
export class SyncServer {
  readonly options: ResolvedServerOptions;
  readonly #registry: RoomRegistry;
  readonly #queries: LiveQueries;
  readonly #access: AccessRules;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  readonly #attached = new Map<HttpServer, (request: IncomingMessage, socket: Duplex, head: Buffer) => void>();
  readonly #owned = new Set<HttpServer>();
  readonly #models = new Set<Model>();
  readonly #keepAlive: ReturnType<typeof setInterval>;
  #closing: Promise<void> | null = null;
  readonly #repaired: Promise<unknown>;
  readonly #link: FanoutLink | null;
  readonly #admin: ServerAdmin;
  readonly #history: DocumentHistory | null;
  readonly #changes: ServerChanges;

  constructor(options: ServerOptions) {
    this.options = resolveServerOptions(options);
    const { storage, log, maxFrameBytes } = this.options;
    this.#access = new AccessRules(this.options.rules, this.options.schema);
    if (!this.options.rules) log('warn', 'no rules given: every client may read and write every document (pass createServer({ rules }))');
    // JSON values a crash left behind are rebuilt before any query runs.
    this.#repaired = repairJson(storage, log).catch((error: unknown) => log('error', `checking stored JSON values failed (${String(error)})`));
    this.#admin = new ServerAdmin({
      storage,
      closing: () => this.#closing !== null,
      connections: () => this.#connections,
      rooms: () => this.#registry.size,
      liveQueries: () => this.#queries.size,
      presenceStates: () => {
        let states = 0;
        for (const room of this.#registry.all()) states += room.presenceStates;
        return states;
      },
      ...(this.options.fanout ? { fanoutUp: fanoutStatus(this.options.fanout) } : {}),
    });
    // Rooms get a storage whose appends are timed (once metrics exist).
    const history = this.options.history;
    this.#history = history ? new DocumentHistory({ options: history, storage, log, access: this.#access }) : null;
    this.#changes = new ServerChanges(this.options);
    const rooms = serverRooms({ ...this.options, storage: this.#admin.timed(storage) }, this.#repaired, this.#history, this.#changes.hooks);
    ({ registry: this.#registry, queries: this.#queries, link: this.#link } = rooms);
    // Frames up to twice the limit reach us (closed with 4413); ws itself closes larger ones with 1009.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes * 2, perMessageDeflate: false });
    this.#keepAlive = setInterval(() => this.#tick(), this.options.keepAliveMs);
    this.#keepAlive.unref?.();
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Number of documents in memory. */
  get roomCount(): number {
    return this.#registry.size;
  }

  /**
   * The HTTP handler of the server's operations endpoints, for
   * `http.createServer(handler)` or an Express/connect app (serve it on a
   * port of its own, not to the internet): `GET /metrics` (Prometheus text
   * format, from a registry of this server's own), `GET /healthz` (200
   * while the process runs) and `GET /readyz` (200 when storage answers and
   * the server is not closing; 503 with a JSON reason otherwise). Counters
   * and histograms count from the first call on; every call returns the
   * same handler. See docs/operations.md for the metrics.
   *
   * @example
   * http.createServer(server.adminHandler()).listen(9090, '127.0.0.1');
   */
  adminHandler(): AdminHandler {
    return this.#admin.handler();
  }

  /**
   * The HTTP API (docs/http.md), for `http.createServer(handler)` or an
   * Express/connect app: `GET`, `PUT`, `PATCH` (JSON Merge Patch) and
   * `DELETE /docs/:collection/:id`, and `POST /query/:collection` (paged).
   * Each request is authenticated by `authenticate` and checked by the
   * rules and schema like a client's; a write goes through the document's
   * room (its subscribers see it at once) and is answered once stored.
   *
   * @example
   * app.use('/api', server.httpHandler());
   * http.createServer(server.httpHandler({ prefix: '/api' })).listen(8081, '127.0.0.1');
   */
  httpHandler(options: HttpHandlerOptions = {}): HttpHandler {
    const { storage, log, authenticate, maxFrameBytes } = this.options;
    const parts = { registry: this.#registry, access: this.#access, storage, ready: this.#repaired, log, authenticate, maxBodyBytes: maxFrameBytes };
    return httpHandler({ ...parts, closing: () => this.#closing !== null }, options);
  }

  /**
   * Calls `listener` after writes are stored (docs/changes.md): once per
   * document per turn of the event loop and writer (when the value changed), with the JSON value
   * `before` the first write and `after` the last (undefined when created or
   * deleted), the version reached and the writer's `session` (undefined for
   * the server's own writes). Only this process's writes. A listener that
   * throws is logged.
   *
   * @example
   * server.on('change', ({ collection, id, before, after, session }) => audit(collection, id, before, after, session));
   */
  on(event: 'change', listener: ChangeListener): this {
    this.#changes.listen(event, listener, true);
    return this;
  }

  /** Removes a listener added with `on`. */
  off(event: 'change', listener: ChangeListener): this {
    this.#changes.listen(event, listener, false);
    return this;
  }

  /**
   * The stored changes of `collection` after position `since` (0: from the
   * oldest kept), as an async iterator: first what was stored meanwhile,
   * then live, until the loop breaks or the server closes. Each item has its
   * `seq` (resume with `since: seq`), the document's `id`, `version` and
   * JSON `value` after the change (`deleted: true` when deleted). Needs
   * `createServer({ changeFeed: true })` (docs/changes.md).
   *
   * @example
   * for await (const change of server.changes('todos', { since: lastSeq })) index(change.id, change.value);
   */
  changes(collection: string, options: ChangesOptions = {}): ChangeStream {
    return this.#changes.changes(collection, options);
  }

  /**
   * An in-process model: the same API as a browser's model, working on this
   * server's documents without a socket (for server-side rendering, jobs and
   * API routes). Its writes are stored and reach subscribed clients like any
   * client's; they skip the checks client updates get. Close it when done
   * (the server closes the ones still open when it closes).
   *
   * @example
   * const model = server.createModel();
   * await model.subscribe('todos.a1');
   * const bundle = await model.bundle();
   * model.close();
   */
  createModel(options: InProcessModelOptions = {}): Model {
    if (this.#closing) throw new Error('yracer: the server is closed');
    const { session } = options;
    const schema = options.schema ?? (session ? this.options.schema : undefined);
    const model = createLocalModel(schema ? { ...options, schema } : options);
    model.store.sync = new InProcessSync(model, {
      registry: this.#registry,
      queries: this.#queries,
      log: this.options.log,
      unloadDelayMs: options.unloadDelayMs ?? 1000,
      onClose: () => this.#models.delete(model),
      ...(session ? { guard: { session, access: this.#access }, maxQueries: this.options.maxQueries } : {}),
      fetchOnly: options.fetchOnly ?? false,
    });
    this.#models.add(model);
    return model;
  }

  /**
   * Express/connect middleware that gives each request `req.model`: an
   * in-process model acting for the request's session (the server's
   * `authenticate(request)`), fetch-only, closed when the response finishes
   * or the connection closes. A request `authenticate` refuses goes to
   * `next(error)` with `error.status` 401.
   *
   * @example
   * app.use(sync.modelMiddleware());
   * app.get('/', async (req, res) => {
   *   await req.model.subscribe('lists.main');
   *   res.send(render(req.model, await req.model.bundle()));
   * });
   */
  modelMiddleware(options: ModelMiddlewareOptions = {}): ModelMiddleware {
    return modelMiddleware((session, fetchOnly) => this.createModel({ session, fetchOnly }), {
      ...options,
      authenticate: options.authenticate ?? this.options.authenticate,
      log: this.options.log,
    });
  }

  /** The history, or `history-off` when the server keeps none. */
  #historyOn(): DocumentHistory {
    if (!this.#history) throw new HistoryError(ErrorCode.HistoryOff, 'yracer: this server keeps no document history (createServer({ history }))');
    return this.#history;
  }

  /**
   * The checkpoints of a document, newest first (docs/history.md): each
   * `{ checkpoint, version, time, users }`. With a session, its read rule
   * must allow the document. Rejects with `HistoryError` (`history-off`,
   * `bad-doc-name`, `forbidden`).
   *
   * @example
   * const [latest] = await server.history('todos', 'a1');
   */
  async history(collection: string, id: string, session?: Session): Promise<CheckpointInfo[]> {
    return this.#historyOn().list(collection, id, session);
  }

  /**
   * The document's JSON value at a checkpoint (undefined when it did not
   * exist then). Rejects with `HistoryError` (`bad-checkpoint` naming the
   * checkpoints there are, and as `history`).
   */
  async snapshotAt(collection: string, id: string, checkpoint: number, session?: Session): Promise<unknown> {
    return this.#historyOn().snapshotAt(collection, id, checkpoint, session);
  }

  /**
   * Writes a checkpoint's value back as a new ordinary change (the log is
   * never rewritten; live clients see it); with a session, its rules and
   * the schema check it (`AccessRefusedError`). Resolves once stored.
   *
   * @example
   * await server.restore('todos', 'a1', 3, session);
   */
  async restore(collection: string, id: string, checkpoint: number, session?: Session): Promise<void> {
    const create = (as: Session | undefined): Model => this.createModel(as ? { session: as, unloadDelayMs: 0 } : { unloadDelayMs: 0 });
    return restoreCheckpoint(this.#historyOn(), create, collection, id, checkpoint, session);
  }

  /** Starts an HTTP server of its own and listens. */
  async listen(options: ListenOptions = {}): Promise<Listening> {
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
    return { port, url: `ws://${shown}:${port}${this.options.path}` };
  }

  /** Handles WebSocket upgrades of an existing HTTP server (an Express app's, for example). */
  attach(http: HttpServer): void {
    if (this.#closing) throw new Error('yracer: the server is closed');
    if (this.#attached.has(http)) return;
    const handler = (request: IncomingMessage, socket: Duplex, head: Buffer): void => this.#onUpgrade(http, handler, request, socket, head);
    this.#attached.set(http, handler);
    http.on('upgrade', handler);
  }

  #endpoint(request: IncomingMessage): Endpoint {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      return null;
    }
    const base = this.options.path;
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

  #onUpgrade(
    http: HttpServer,
    handler: (...args: never[]) => void,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    const endpoint = this.#endpoint(request);
    if (!endpoint || this.#closing) {
      // Another handler on this HTTP server (a dev server's HMR socket, say) may own this path.
      const others = http.listeners('upgrade').filter((listener) => listener !== handler);
      if (!this.#closing && others.length > 0) return;
      socket.end(this.#closing ? 'HTTP/1.1 503 Service Unavailable\r\n\r\n' : 'HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const meter = this.#admin.meter(endpoint.kind);
      const context: ConnectionContext = {
        options: this.options,
        registry: this.#registry,
        queries: this.#queries,
        access: this.#access,
        history: this.#history,
        ...(meter ? { meter } : {}),
      };
      const connection =
        endpoint.kind === 'multiplexed'
          ? new MultiplexedConnection(ws, request, context)
          : new StockConnection(ws, request, context, endpoint.name, endpoint.key);
      this.#connections.add(connection);
      ws.on('close', () => this.#connections.delete(connection));
      connection.start();
    });
  }

  #tick(): void {
    const now = Date.now();
    for (const connection of this.#connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
      if (connection instanceof StockConnection) connection.keepAlive(now, this.options.keepAliveMs);
    }
  }

  /** Closes the server when the process gets SIGINT or SIGTERM, then exits. */
  closeOnSignals(exit: (code: number) => void = (code) => process.exit(code)): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.options.log('info', `${signal}: closing`);
      this.close().then(
        () => exit(0),
        (error: unknown) => {
          this.options.log('error', `closing failed (${String(error)})`);
          exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  /** Stops accepting, closes every socket with "going away", stores what is pending and closes storage. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    clearInterval(this.#keepAlive);
    // In-process models' writes are stored before the rooms close.
    await Promise.all([...this.#models].map((model) => model.whenNothingPending().catch(() => undefined)));
    for (const model of [...this.#models]) model.close();
    for (const [http, handler] of this.#attached) http.off('upgrade', handler);
    const stopped = [...this.#owned].map(
      (http) => new Promise<void>((resolve) => http.close(() => resolve())),
    );
    for (const connection of this.#connections) connection.close(CloseCode.GoingAway, 'server shutting down');
    this.#wss.close();
    this.#queries.close();
    this.#link?.stop();
    await this.#registry.closeAll();
    // Checkpoints due later are taken now, from the JSON the rooms saved.
    await this.#history?.flush();
    await this.#changes.close();
    // After the rooms' last stores, which it announces.
    this.#link?.close();
    await this.options.fanout?.close().catch((error: unknown) => this.options.log('warn', `closing the fan-out failed (${String(error)})`));
    await this.#repaired;
    await this.options.storage.close();
    for (const http of this.#owned) http.closeAllConnections?.();
    await Promise.all(stopped);
  }
}
