/**
 * The sync client: connects a model to a yracer server over one multiplexed
 * WebSocket (docs/protocol.md).
 *
 * Local changes to synced documents are sent at once as tracked updates and
 * stay pending until the server acknowledges them; offline they just stay
 * pending. On every (re)connect the client resends what is pending (merged per
 * document) and re-subscribes, answering the server's state vector with
 * whatever else it has that the server lacks. Documents are held with
 * reference counts and leave the model after the unload delay once released.
 */
import * as Y from 'yjs';
import type { DocEntry } from '../model/documents/doc-entry.ts';
import type { Model } from '../model/model.ts';
import type { Presence } from '../model/presence/presence.ts';
import { onLocalUpdates } from '../model/documents/local-updates.ts';
import { LOAD_ORIGIN } from '../model/documents/model-store.ts';
import type {
  ConnectionState,
  ConnectionStatus,
  DocRef,
  FrameRecord,
  Holdings,
  HoldMode,
  ServerQuery,
  ServerQueryHandler,
  ServerQuerySpec,
  SyncPort,
} from '../model/documents/sync-port.ts';
import type { WriteCallback } from '../model/mutations/write-scope.ts';
import { docMessage } from '../protocol/doc-message.ts';
import { docName, parseDocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import { decodeFrame, type Message } from '../protocol/frame.ts';
import { MessageKind } from '../protocol/message-kind.ts';
import { pingMessage } from '../protocol/ping-message.ts';
import { SubscribeMode } from '../protocol/subscribe-message.ts';
import { readPayload } from '../protocol/sync-payload.ts';
import { unsubscribeMessage } from '../protocol/unsubscribe-message.ts';
import type { BackoffOptions } from './backoff.ts';
import { ClientConnectionStatus, guard } from './client-connection-status.ts';
import { ClientPresences } from './client-presence.ts';
import { ClientQueries } from './client-queries.ts';
import { DocumentHolds } from './document-holds.ts';
import { DocumentResets } from './document-resets.ts';
import { OfflineCache, TAB_ORIGIN } from './offline-cache.ts';
import type { OfflineStore } from './offline-store.ts';
import { PendingWrites, type PendingSpan } from './pending-writes.ts';
import { applyServerState, missingOnServer, pendingFromDoc, REMOTE_ORIGIN } from './server-state.ts';
import { SocketConnection } from './socket-connection.ts';
import { WriteSender } from './write-sender.ts';
import { SubscribeBatch } from './subscribe-batch.ts';
import { SyncError } from './sync-error.ts';
import { ClientHistory } from './client-history.ts';
import type { WebSocketConstructor } from './web-socket-like.ts';

/** The state vector of an empty document. */
const EMPTY_STATE_VECTOR = new Uint8Array([0]);

export { REMOTE_ORIGIN } from './server-state.ts';

/** Error codes of a refused write, after which the document returns to the server's state. */
const REFUSALS: ReadonlySet<string> = new Set([ErrorCode.Forbidden, ErrorCode.InvalidDocument, ErrorCode.TooLarge]);

/** Origins of transactions that are not this model's own writes. */
const SYNC_ORIGINS: readonly unknown[] = [REMOTE_ORIGIN, LOAD_ORIGIN, TAB_ORIGIN];

/** Options of the sync client (see `createModel`). */
export interface SyncClientOptions {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  readonly token?: string | (() => string | Promise<string>) | undefined;
  readonly unloadDelayMs?: number | undefined;
  readonly backoff?: BackoffOptions | undefined;
  readonly keepAliveMs?: number | undefined;
  /** Where loaded documents, pending writes and query results are kept across reloads (none by default). */
  readonly offline?: OfflineStore | undefined;
  /** With an offline store: keep tabs sharing it in sync over a BroadcastChannel (default: where it exists). */
  readonly tabSync?: boolean | undefined;
}

/** Connects one model to a server. */
export class SyncClient implements SyncPort {
  readonly connection: ConnectionStatus;
  readonly #model: Model;
  readonly #socket: SocketConnection;
  readonly #pending = new PendingWrites(() => this.#pendingChanged());
  readonly #holds: DocumentHolds;
  readonly #entries = new Map<string, DocEntry>();
  /** Per attached document, what removes its listeners. */
  readonly #handlers = new Map<DocEntry, () => void>();
  readonly #writes = new WeakMap<Y.Doc, number>();
  readonly #status: ClientConnectionStatus;
  readonly #queries: ClientQueries;
  readonly #offline: OfflineCache | null;
  readonly #presences: ClientPresences;
  readonly #resets = new DocumentResets({
    send: (frame) => void this.#send(frame),
    nextRequest: () => ++this.#requestId,
    latestSeq: (name) => this.#pending.latest(name),
    finish: (name, state, refused, error) => this.#finishReset(name, state, refused, error),
  });
  /** Sends tracked updates within the server's limits (merged while the rate limit holds them back). */
  readonly #writer: WriteSender = new WriteSender({
    open: () => this.#socket.open,
    ready: () => this.#socket.ready(),
    msUntilReady: () => this.#socket.msUntilReady(),
    send: (frame) => this.#send(frame),
    pace: (rate, burst) => this.#socket.pace(rate, burst),
    resetting: (doc) => this.#resets.has(doc),
    refuse: (doc, seq, error) => this.#resets.start(doc, seq, error),
    outgoing: (doc, update) => (this.#offline ? this.#offline.outgoing(doc, update) : update),
  });
  /** History requests waiting for their answers (client-history.ts). */
  readonly #history = new ClientHistory({ nextRequest: () => ++this.#requestId, send: (frame) => void this.#send(frame) });
  /** Subscribe requests of one turn, sent together (`subscribe-many`). */
  readonly #subscribes = new SubscribeBatch((frame) => void this.#socket.send(frame));
  #requestId = 0;
  #connected = false;
  #closed = false;

  constructor(model: Model, options: SyncClientOptions) {
    this.#model = model;
    const tabSync = options.tabSync ?? typeof globalThis.BroadcastChannel === 'function';
    const host = {
      hasPending: (doc: string) => this.#pending.hasDoc(doc),
      sendTracked: (doc: string, update: Uint8Array) => this.#sendTracked(doc, update, false),
      ydoc: (doc: string) => this.#entries.get(doc)?.ydoc,
      keep: (ref: DocRef) => this.#holds.keep(ref),
      release: (ref: DocRef) => this.#holds.release(ref, 'fetch'),
      changed: () => this.#status.changed(),
    };
    this.#offline = options.offline ? new OfflineCache(model, options.offline, host, tabSync) : null;
    this.#pending.observer = this.#offline;
    this.#offline?.adopt();
    this.#socket = new SocketConnection({
      url: options.url,
      WebSocket: options.WebSocket,
      token: options.token,
      backoff: options.backoff,
      keepAliveMs: options.keepAliveMs,
      onOpen: () => this.#onOpen(),
      onMessage: (frame) => this.#onFrame(frame),
      onState: (state, error) => this.#onState(state, error),
      onClose: (code) => this.#writer.closed(code),
      ping: () => pingMessage.encode({}),
    });
    this.#holds = new DocumentHolds(
      {
        request: (name, mode) => this.#request(name, mode),
        unsubscribe: (name) => void this.#send(unsubscribeMessage.encode({ doc: name })),
        ensureEntry: (ref) => void model.store.ensureEntry(ref.collection, ref.id),
        unloadEntry: (ref) => void model.store.unload(ref.collection, ref.id),
        hasPending: (name) => this.#pending.hasDoc(name),
        loadCached: (ref) => this.#offline?.load(ref, (found) => found && this.#holds.cached(ref)),
      },
      options.unloadDelayMs ?? 1000,
    );
    this.#queries = new ClientQueries({
      holds: this.#holds,
      nextRequest: () => ++this.#requestId,
      send: (frame) => void this.#send(frame),
      unsubscribe: (name) => void this.#send(unsubscribeMessage.encode({ doc: name })),
      load: (ref, update) => this.#load(ref, update),
      offline: this.#offline,
    });
    this.#presences = new ClientPresences({
      hold: (ref) => this.hold([ref], 'subscribe'),
      release: (ref) => void this.release([ref], 'subscribe'),
      send: (name, payload) => void this.#send(docMessage.encode({ doc: name, seq: 0, payload })),
      closed: () => this.#closed,
    });
    this.#status = new ClientConnectionStatus(options.url, this.#socket);
    this.connection = this.#status;
  }

  /** Opens the connection (once; later calls do nothing). */
  connect(): void {
    if (this.#connected || this.#closed) return;
    this.#connected = true;
    this.#socket.connect();
  }

  /** Drops the current socket (a reconnect follows): for tests and "go offline" switches. */
  disconnect(): void {
    this.#socket.disconnect();
  }

  #pendingChanged(): void {
    if (this.#pending.size === 0) this.#status.synced();
    this.#status.changed();
  }

  #onState(state: ConnectionState, error: string | null): void {
    // Listener errors are reported, never allowed to stop the connection's own work.
    if (!this.#model.store.closed) {
      // Retrying while the server is down repeats the same error: written (and heard) only when it changes.
      guard('a $connection listener', () => this.#model.set('$connection.state', state));
      if (this.#model.get('$connection.error') !== error) guard('a $connection listener', () => this.#model.set('$connection.error', error));
    }
    this.#status.stateChanged(state);
    if (state === 'offline') {
      this.#presences.dropped();
      // Pending writes are resent on the next socket.
      this.#writer.closed();
    }
    if (error === 'unauthorized') {
      // The server refused the credentials for good: nothing waiting can be answered.
      const refusal = new SyncError('unauthorized', 'the server refused the credentials', null);
      this.#holds.rejectAll(refusal);
      this.#pending.refuseAll(refusal);
      this.#queries.close(refusal);
    }
  }

  attach(entry: DocEntry): void {
    const name = docName(entry.collection, entry.id);
    this.#entries.set(name, entry);
    const ydoc = entry.ydoc;
    const stop = onLocalUpdates(ydoc, SYNC_ORIGINS, (update) => {
      if (this.#closed) return;
      this.#writes.set(ydoc, (this.#writes.get(ydoc) ?? 0) + 1);
      // Being reset: it builds on a refused write, so it fails with it (see DocumentResets).
      if (this.#resets.has(name)) return void this.#pending.add(name, update);
      this.#offline?.recordLocal(name, update);
      this.#sendTracked(name, update);
    });
    this.#handlers.set(entry, stop);
  }

  detach(entry: DocEntry): void {
    this.#handlers.get(entry)?.();
    this.#handlers.delete(entry);
    const name = docName(entry.collection, entry.id);
    if (this.#entries.get(name) === entry) this.#entries.delete(name);
  }

  /** Records a local update as pending and sends it (`fromDoc`: it is in the document this client holds). */
  #sendTracked(name: string, update: Uint8Array, fromDoc = true): void {
    this.#sendUpdate(name, this.#pending.add(name, update, fromDoc), update);
  }

  /** Sends a frame after the subscribe requests made before it (they are batched until the end of the turn). */
  #send(frame: Uint8Array): boolean {
    this.#subscribes.flush();
    return this.#socket.send(frame);
  }

  #sendUpdate(name: string, seq: number, update: Uint8Array): void {
    this.#writer.send(name, seq, update);
  }

  markWrite(entry: DocEntry): number {
    return this.#writes.get(entry.ydoc) ?? 0;
  }

  settleWrite(entry: DocEntry, marker: number, callback: WriteCallback): void {
    if ((this.#writes.get(entry.ydoc) ?? 0) === marker) {
      queueMicrotask(() => callback());
      return;
    }
    this.#pending.onSettled(this.#pending.latest(docName(entry.collection, entry.id)), callback);
  }

  async hold(refs: readonly DocRef[], mode: HoldMode): Promise<void> {
    if (this.#closed) throw new Error('yracer: the model is closed');
    await Promise.all(refs.map((ref) => this.#holds.hold(ref, mode)));
  }

  #request(name: string, mode: HoldMode): number {
    const id = ++this.#requestId;
    const entry = this.#entries.get(name);
    this.#subscribes.add(mode === 'subscribe' ? SubscribeMode.Subscribe : SubscribeMode.Fetch, {
      request: id,
      doc: name,
      stateVector: entry ? Y.encodeStateVector(entry.ydoc) : EMPTY_STATE_VECTOR,
    });
    return id;
  }

  async release(refs: readonly DocRef[], mode: HoldMode): Promise<void> {
    for (const ref of refs) this.#holds.release(ref, mode);
  }

  async releaseAll(): Promise<void> {
    this.#holds.releaseAll();
    // Queries still running keep their documents (a query is released through its own unsubscribe).
    this.#queries.reholdAll();
    // So do presences in use (they release their document when no longer used).
    this.#presences.reholdAll();
  }

  requestHistory(ref: DocRef, checkpoint: number): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('yracer: the model is closed'));
    return this.#history.request(docName(ref.collection, ref.id), checkpoint);
  }

  openQuery(spec: ServerQuerySpec, handler: ServerQueryHandler): ServerQuery {
    if (this.#closed) {
      queueMicrotask(() => handler.error(new Error('yracer: the model is closed')));
      return { close: () => undefined };
    }
    return this.#queries.open(spec, handler);
  }

  /** Loads a document's state sent with a query result. */
  #load(ref: DocRef, update: Uint8Array): void {
    const name = docName(ref.collection, ref.id);
    if (this.#resets.gather(name, update)) return;
    applyServerState(this.#model.store, ref, update, 'query-state');
    this.#offline?.record(name, update);
  }

  #onOpen(): void {
    for (const name of this.#pending.docs()) {
      if (this.#resets.has(name)) continue;
      const ydoc = this.#entries.get(name)?.ydoc;
      const encode = ydoc ? (span: PendingSpan) => pendingFromDoc(ydoc, span) : undefined;
      // What grew past a frame while offline goes in several.
      for (const part of this.#pending.rebase(name, encode, this.#writer.limits.maxUpdateBytes(name))) this.#sendUpdate(name, part.seq, part.update);
    }
    this.#offline?.adopt();
    this.#holds.resendAll();
    this.#resets.resendAll();
    this.#presences.reconnected();
    this.#queries.resendAll();
    this.#history.resendAll();
  }

  #onFrame(frame: Uint8Array): void {
    let message: Message;
    try {
      message = decodeFrame(frame);
    } catch {
      return; // a newer server's message this client does not know: ignore it
    }
    switch (message.kind) {
      case MessageKind.Doc:
        this.#onDoc(message.doc, message.payload);
        return;
      case MessageKind.Subscribed: {
        if (this.#resets.answered(message.request)) return;
        const ref = this.#holds.delivered(message.request);
        if (ref) this.#model.store.markLoaded(ref.collection, ref.id);
        return;
      }
      case MessageKind.QueryResult:
        this.#queries.onResult(message);
        return;
      case MessageKind.QueryDiff:
        this.#queries.onDiff(message);
        return;
      case MessageKind.HistoryResult:
        this.#history.onResult(message);
        return;
      case MessageKind.Limits:
        this.#writer.announced(message);
        return;
      case MessageKind.Ack: {
        const doc = this.#pending.docOf(message.seq);
        this.#writer.acked(message.seq);
        if (doc !== undefined && this.#resets.ignores(doc, message.seq)) return;
        // An ack covers the document's earlier writes: the sender forgets what was merged into them too.
        for (const seq of this.#pending.ack(message.seq)) this.#writer.acked(seq);
        return;
      }
      case MessageKind.Error: {
        const error = new SyncError(message.code, message.message, message.doc || null);
        if (message.code === ErrorCode.RoomReset) {
          this.#holds.resubscribe(message.doc);
          this.#presences.reconnected(message.doc);
          return;
        }
        if (message.request > 0 && this.#history.onError(message.request, error)) return;
        if (message.seq === 0 && message.request === 0 && message.code === ErrorCode.Forbidden) {
          // A read rule now denies a subscribed document: the server unsubscribed it; the data stays as last sent.
          const ref = parseDocName(message.doc);
          if (ref && this.#holds.revoked(message.doc)) guard('an error listener', () => this.#model.store.writeErrors.emit(`${ref.collection}.${ref.id}`, error));
          return;
        }
        if (message.seq > 0 && message.doc && this.#resets.ignores(message.doc, message.seq)) return;
        if (message.seq > 0 && message.doc && REFUSALS.has(message.code)) {
          // Refused by a rule, the schema or for its size: the document returns to the server's state.
          this.#resets.start(message.doc, message.seq, error);
          return;
        }
        if (message.request > 0 && this.#resets.answered(message.request, error)) return;
        if (message.seq > 0) {
          for (const covered of this.#writer.refused(message.seq)) this.#pending.fail(covered, error);
          this.#pending.fail(message.seq, error);
          // The stored copy holds the refused change: the next load comes from the server.
          if (message.doc) this.#offline?.forget(message.doc);
        }
        if (message.request > 0 && !this.#queries.onError(message.request, error)) this.#holds.refused(message.request, error);
        return;
      }
      default:
        return;
    }
  }

  #onDoc(name: string, bytes: Uint8Array): void {
    const entry = this.#entries.get(name);
    if (!entry) return;
    let payload;
    try {
      payload = readPayload(bytes);
    } catch {
      return;
    }
    if (this.#resets.has(name) && payload.type !== 'awareness') {
      // The old document holds a refused write: gather the server's state apart, answer no state vector.
      if (payload.type === 'step2' || payload.type === 'update') this.#resets.gather(name, payload.update);
      return;
    }
    if (payload.type === 'awareness') {
      this.#presences.receive(name, payload.update);
    } else if (payload.type === 'step2' || payload.type === 'update') {
      applyServerState(this.#model.store, entry, payload.update, payload.type === 'step2' ? 'state' : 'update');
      this.#offline?.record(name, payload.update);
    } else if (payload.type === 'step1') {
      const vector = this.#offline ? this.#offline.replyVector(name, payload.stateVector) : payload.stateVector;
      const missing = missingOnServer(entry.ydoc, vector);
      if (missing) this.#sendTracked(name, missing);
    }
  }

  /** Swaps in the server's state of a reset document, then fails its writes made on the old one and emits `error`. */
  #finishReset(name: string, state: Uint8Array, refused: number, error: SyncError): void {
    const ref = parseDocName(name);
    if (!ref || this.#closed) return;
    this.#offline?.forget(name);
    const entry = this.#model.store.replaceDoc(ref.collection, ref.id, state);
    if (entry) this.#offline?.record(name, state);
    const dropped = new SyncError(error.code, `not stored: it was made on top of a refused write (${error.message})`, name);
    for (const seq of this.#pending.seqsOf(name)) this.#pending.fail(seq, seq === refused ? error : dropped);
    guard('an error listener', () => this.#model.store.writeErrors.emit(`${ref.collection}.${ref.id}`, error));
  }

  openPresence(ref: DocRef): Presence {
    return this.#presences.open(ref);
  }

  whenNothingPending(): Promise<void> {
    if (!this.#offline?.adopting) return this.#pending.whenNothingPending();
    return this.#offline.whenAdopted().then(() => {
      if (this.#closed) throw new Error('yracer: the model was closed');
      return this.#pending.whenNothingPending();
    });
  }

  whenStoredOffline(): Promise<void> {
    return this.#offline ? this.#offline.flush() : Promise.resolve();
  }

  hasPending(doc?: DocRef): boolean {
    if (!doc) return this.#pending.size > 0;
    const name = docName(doc.collection, doc.id);
    // Another tab's writes the server lacks count too: queries here treat the document as changed locally.
    return this.#pending.hasDoc(name) || (this.#offline?.hasTabWrites(name) ?? false);
  }

  observeFrames(observer: (frame: FrameRecord) => void): () => void {
    return this.#socket.observeFrames(observer);
  }

  pendingCount(): number {
    return this.#pending.docCount;
  }

  holdings(): Holdings {
    return this.#holds.holdings();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#presences.close(); // my removals go out before the socket closes
    this.#socket.close();
    const error = new Error('yracer: the model was closed');
    this.#holds.close(error);
    this.#queries.close(error);
    this.#history.closeAll(error);
    this.#pending.abandon(error);
    this.#resets.close();
    this.#offline?.close();
  }
}
