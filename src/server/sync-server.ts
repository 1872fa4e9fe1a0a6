/**
 * The WebSocket sync server. It owns the rooms and the connections, picks the
 * protocol at the HTTP upgrade by path (the multiplexed endpoint, or a stock
 * y-websocket endpoint per document), keeps connections alive, and shuts down
 * gracefully: stop accepting, close sockets with "going away", store what is
 * pending, close storage.
 */
import { createLocalModel } from '../model/create-model.ts';
import type { Model } from '../model/model.ts';
import { AccessRules } from './access-rules.ts';
import { DocumentHistory } from './document-history.ts';
import { HistoryError } from './history-error.ts';
import { restoreCheckpoint } from './restore-checkpoint.ts';
import type { CheckpointInfo } from '../storage/history-storage.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { AdminHandler } from './admin-handler.ts';
import type { Server as HttpServer } from 'node:http';
import { closeOnSignals } from './close-on-signals.ts';
import { httpHandler, type HttpHandler, type HttpHandlerOptions } from './http-handler.ts';
import type { InProcessModelOptions } from './in-process-model-options.ts';
import { InProcessSync } from './in-process-sync.ts';
import type { Listening, ListenOptions } from './listen-options.ts';
import { modelMiddleware, type ModelMiddleware, type ModelMiddlewareOptions } from './model-middleware.ts';
import type { LiveQueries } from './live-queries.ts';
import { repairJson } from './repair-json.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { FanoutLink } from './fanout-link.ts';
import { serverRooms } from './server-rooms.ts';
import { fanoutStatus, ServerAdmin } from './server-admin.ts';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './server-options.ts';
import type { Session } from './session.ts';
import { ServerSockets } from './server-sockets.ts';
import type { ChangeListener } from './change-hooks.ts';
import type { ChangeStream } from './change-stream.ts';
import { ServerChanges, type ChangesOptions } from './server-changes.ts';

/** A yracer sync server; create it with `createServer()`. */
export class SyncServer {
  readonly options: ResolvedServerOptions;
  readonly #registry: RoomRegistry;
  readonly #queries: LiveQueries;
  readonly #access: AccessRules;
  readonly #sockets: ServerSockets;
  readonly #models = new Set<Model>();
  #closing: Promise<void> | null = null;
  readonly #repaired: Promise<unknown>;
  readonly #link: FanoutLink | null;
  readonly #admin: ServerAdmin;
  readonly #history: DocumentHistory | null;
  readonly #changes: ServerChanges;

  constructor(options: ServerOptions) {
    this.options = resolveServerOptions(options);
    const { storage, log } = this.options;
    this.#access = new AccessRules(this.options.rules, this.options.schema);
    if (!this.options.rules) log('warn', 'no rules given: every client may read and write every document (pass createServer({ rules }))');
    this.#changes = new ServerChanges(this.options);
    const { recorder } = this.#changes;
    // JSON values a crash left behind are rebuilt before any query runs (and recorded in the change feed).
    this.#repaired = repairJson(storage, log, undefined, recorder).catch((error: unknown) => log('error', `checking stored JSON values failed (${String(error)})`));
    this.#admin = new ServerAdmin({
      storage,
      closing: () => this.#closing !== null,
      connections: () => this.#sockets.connections,
      rooms: () => this.#registry.size,
      liveQueries: () => this.#queries.size,
      presenceStates: () => this.#registry.presenceStates(),
      ...(this.options.fanout ? { fanoutUp: fanoutStatus(this.options.fanout) } : {}),
    });
    const history = this.options.history;
    this.#history = history ? new DocumentHistory({ options: history, storage, log, access: this.#access }) : null;
    // Rooms get a storage whose appends are timed (once metrics exist).
    const rooms = serverRooms({ ...this.options, storage: this.#admin.timed(storage) }, this.#repaired, this.#history, this.#changes.hooks, recorder);
    ({ registry: this.#registry, queries: this.#queries, link: this.#link } = rooms);
    this.#sockets = new ServerSockets({
      options: this.options,
      closing: () => this.#closing !== null,
      context: (kind) => {
        const meter = this.#admin.meter(kind);
        return { options: this.options, registry: this.#registry, queries: this.#queries, access: this.#access, history: this.#history, ...(meter ? { meter } : {}) };
      },
    });
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.#sockets.connections.size;
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
      history: this.#history,
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
  listen(options: ListenOptions = {}): Promise<Listening> {
    return this.#sockets.listen(options);
  }

  /** Handles WebSocket upgrades of an existing HTTP server (an Express app's, for example). */
  attach(http: HttpServer): void {
    this.#sockets.attach(http);
  }

  /** Closes the server when the process gets SIGINT or SIGTERM, then exits. */
  closeOnSignals(exit: (code: number) => void = (code) => process.exit(code)): void {
    closeOnSignals(() => this.close(), this.options.log, exit);
  }

  /** Stops accepting, closes every socket with "going away", stores what is pending and closes storage. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#sockets.stopKeepAlive();
    // In-process models' writes are stored before the rooms close.
    await Promise.all([...this.#models].map((model) => model.whenNothingPending().catch(() => undefined)));
    for (const model of [...this.#models]) model.close();
    const stopped = this.#sockets.stopAccepting();
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
    await stopped();
  }
}
