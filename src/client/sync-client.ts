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
import type { DocEntry } from '../model/documents/doc-entry.ts';
import type { Model } from '../model/model.ts';
import type { Presence } from '../model/presence/presence.ts';
import type {
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
import { docName } from '../protocol/doc-name.ts';
import { pingMessage } from '../protocol/ping-message.ts';
import { SubscribeMode } from '../protocol/subscribe-message.ts';
import { unsubscribeMessage } from '../protocol/unsubscribe-message.ts';
import { AttachedDocs } from './attached-docs.ts';
import { ClientConnectionStatus } from './client-connection-status.ts';
import { ClientHistory } from './client-history.ts';
import { ClientInbox } from './client-inbox.ts';
import type { ClientParts } from './client-parts.ts';
import { ClientPresences } from './client-presence.ts';
import { ClientQueries } from './client-queries.ts';
import { ConnectionEvents } from './connection-events.ts';
import { DocumentHolds } from './document-holds.ts';
import { DocumentResets } from './document-resets.ts';
import { OfflineCache } from './offline-cache.ts';
import { PendingWrites, type PendingSpan } from './pending-writes.ts';
import { SocketConnection } from './socket-connection.ts';
import { SubscribeBatch } from './subscribe-batch.ts';
import type { SyncClientOptions } from './sync-client-options.ts';
import { WriteSender } from './write-sender.ts';

/** Connects one model to a server. */
export class SyncClient implements SyncPort {
  readonly connection: ConnectionStatus;
  readonly #socket: SocketConnection;
  readonly #pending = new PendingWrites(() => this.#pendingChanged());
  readonly #holds: DocumentHolds;
  readonly #docs = new AttachedDocs(() => this.#closed);
  readonly #status: ClientConnectionStatus;
  readonly #queries: ClientQueries;
  readonly #offline: OfflineCache | null;
  readonly #presences: ClientPresences;
  readonly #resets = new DocumentResets({
    send: (frame) => void this.#send(frame),
    nextRequest: () => ++this.#requestId,
    latestSeq: (name) => this.#pending.latest(name),
    finish: (name, state, refused, error) => this.#inbox.finishReset(name, state, refused, error),
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
  /** Handles the server's frames (client-inbox.ts). */
  readonly #inbox: ClientInbox;
  /** Handles the socket's open and state events (connection-events.ts). */
  readonly #events: ConnectionEvents;
  #requestId = 0;
  #connected = false;
  #closed = false;

  constructor(model: Model, options: SyncClientOptions) {
    const tabSync = options.tabSync ?? typeof globalThis.BroadcastChannel === 'function';
    const host = {
      hasPending: (doc: string) => this.#pending.hasDoc(doc),
      sendTracked: (doc: string, update: Uint8Array) => this.#sendTracked(doc, update, false),
      ydoc: (doc: string) => this.#docs.get(doc)?.ydoc,
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
      onOpen: () => this.#events.opened(),
      onMessage: (frame) => this.#inbox.frame(frame),
      onState: (state, error) => this.#events.stateChanged(state, error),
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
      load: (ref, update) => this.#inbox.load(ref, update),
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
    const parts: ClientParts = {
      model,
      docs: this.#docs,
      status: this.#status,
      holds: this.#holds,
      queries: this.#queries,
      history: this.#history,
      writer: this.#writer,
      pending: this.#pending,
      resets: this.#resets,
      presences: this.#presences,
      offline: this.#offline,
      sendTracked: (name, update) => this.#sendTracked(name, update),
      closed: () => this.#closed,
    };
    this.#inbox = new ClientInbox(parts);
    this.#events = new ConnectionEvents(parts);
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

  attach(entry: DocEntry): void {
    this.#docs.attach(entry, (name, update, span) => {
      // Being reset: it builds on a refused write, so it fails with it (see DocumentResets).
      if (this.#resets.has(name)) return void this.#pending.add(name, update, true, span);
      this.#offline?.recordLocal(name, update);
      this.#sendTracked(name, update, true, span);
    });
  }

  detach(entry: DocEntry): void {
    this.#docs.detach(entry);
  }

  /** Records a local update as pending and sends it (`fromDoc`: it is in the document this client holds; `span`: where it lies, when known). */
  #sendTracked(name: string, update: Uint8Array, fromDoc = true, span: PendingSpan | null = null): void {
    this.#writer.send(name, this.#pending.add(name, update, fromDoc, span), update);
  }

  /** Sends a frame after the subscribe requests made before it (they are batched until the end of the turn). */
  #send(frame: Uint8Array): boolean {
    this.#subscribes.flush();
    return this.#socket.send(frame);
  }

  markWrite(entry: DocEntry): number {
    return this.#docs.writeCount(entry);
  }

  settleWrite(entry: DocEntry, marker: number, callback: WriteCallback): void {
    if (this.#docs.writeCount(entry) === marker) {
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
    const stateVector = this.#docs.stateVector(name);
    this.#subscribes.add(mode === 'subscribe' ? SubscribeMode.Subscribe : SubscribeMode.Fetch, { request: id, doc: name, stateVector });
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
