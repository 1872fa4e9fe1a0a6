/**
 * What the sync client does with what the server sends (docs/protocol.md):
 * each decoded frame goes to the part of the client it concerns (holds,
 * queries, history, the write sender, pending writes, resets, presences),
 * document states are applied to the model (and recorded offline), and the
 * server's state of a reset document replaces the client's copy.
 */
import type { DocRef } from '../model/documents/sync-port.ts';
import { docName, parseDocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { ErrorMessage } from '../protocol/error-message.ts';
import { decodeFrame, type Message } from '../protocol/frame.ts';
import { MessageKind } from '../protocol/message-kind.ts';
import { readPayload } from '../protocol/sync-payload.ts';
import { guard } from './client-connection-status.ts';
import type { ClientParts } from './client-parts.ts';
import { applyServerState, missingOnServer } from './server-state.ts';
import { SyncError } from './sync-error.ts';

/** Error codes of a refused write, after which the document returns to the server's state. */
const REFUSALS: ReadonlySet<string> = new Set([ErrorCode.Forbidden, ErrorCode.InvalidDocument, ErrorCode.TooLarge]);

/**
 * Routes the server's frames to the parts of one sync client.
 *
 * @example
 * const inbox = new ClientInbox(parts);
 * socket.onMessage = (frame) => inbox.frame(frame);
 */
export class ClientInbox {
  readonly #parts: ClientParts;

  constructor(parts: ClientParts) {
    this.#parts = parts;
  }

  /** Handles one frame from the server (one this client cannot decode is ignored: a newer server's message). */
  frame(frame: Uint8Array): void {
    const { holds, queries, history, writer, pending, resets } = this.#parts;
    const store = this.#parts.model.store;
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
        if (resets.answered(message.request)) return;
        const ref = holds.delivered(message.request);
        if (ref) store.markLoaded(ref.collection, ref.id);
        return;
      }
      case MessageKind.QueryResult:
        queries.onResult(message);
        return;
      case MessageKind.QueryDiff:
        queries.onDiff(message);
        return;
      case MessageKind.HistoryResult:
        history.onResult(message);
        return;
      case MessageKind.Limits:
        writer.announced(message);
        return;
      case MessageKind.Ack: {
        const doc = pending.docOf(message.seq);
        writer.acked(message.seq);
        if (doc !== undefined && resets.ignores(doc, message.seq)) return;
        // An ack covers the document's earlier writes: the sender forgets what was merged into them too.
        for (const seq of pending.ack(message.seq)) writer.acked(seq);
        return;
      }
      case MessageKind.Error:
        this.#onError(message);
        return;
      default:
        return;
    }
  }

  /** Loads a document's state sent with a query result. */
  load(ref: DocRef, update: Uint8Array): void {
    const name = docName(ref.collection, ref.id);
    if (this.#parts.resets.gather(name, update)) return;
    applyServerState(this.#parts.model.store, ref, update, 'query-state');
    this.#parts.offline?.record(name, update);
  }

  /** Swaps in the server's state of a reset document, then fails its writes made on the old one and emits `error`. */
  finishReset(name: string, state: Uint8Array, refused: number, error: SyncError): void {
    const { offline, pending } = this.#parts;
    const store = this.#parts.model.store;
    const ref = parseDocName(name);
    if (!ref || this.#parts.closed()) return;
    offline?.forget(name);
    const entry = store.replaceDoc(ref.collection, ref.id, state);
    if (entry) offline?.record(name, state);
    const dropped = new SyncError(error.code, `not stored: it was made on top of a refused write (${error.message})`, name);
    for (const seq of pending.seqsOf(name)) pending.fail(seq, seq === refused ? error : dropped);
    guard('an error listener', () => store.writeErrors.emit(`${ref.collection}.${ref.id}`, error));
  }

  #onError(message: ErrorMessage): void {
    const { holds, queries, history, writer, pending, resets, presences, offline } = this.#parts;
    const store = this.#parts.model.store;
    const error = new SyncError(message.code, message.message, message.doc || null);
    if (message.code === ErrorCode.RoomReset) {
      holds.resubscribe(message.doc);
      presences.reconnected(message.doc);
      return;
    }
    if (message.request > 0 && history.onError(message.request, error)) return;
    if (message.seq === 0 && message.request === 0 && message.code === ErrorCode.Forbidden) {
      // A read rule now denies a subscribed document: the server unsubscribed it; the data stays as last sent.
      const ref = parseDocName(message.doc);
      if (ref && holds.revoked(message.doc)) guard('an error listener', () => store.writeErrors.emit(`${ref.collection}.${ref.id}`, error));
      return;
    }
    if (message.seq > 0 && message.doc && resets.ignores(message.doc, message.seq)) return;
    if (message.seq > 0 && message.doc && REFUSALS.has(message.code)) {
      // Refused by a rule, the schema or for its size: the document returns to the server's state.
      resets.start(message.doc, message.seq, error);
      return;
    }
    if (message.request > 0 && resets.answered(message.request, error)) return;
    if (message.seq > 0) {
      for (const covered of writer.refused(message.seq)) pending.fail(covered, error);
      pending.fail(message.seq, error);
      // The stored copy holds the refused change: the next load comes from the server.
      if (message.doc) offline?.forget(message.doc);
    }
    if (message.request > 0 && !queries.onError(message.request, error)) holds.refused(message.request, error);
  }

  #onDoc(name: string, bytes: Uint8Array): void {
    const { resets, presences, offline } = this.#parts;
    const store = this.#parts.model.store;
    const entry = this.#parts.docs.get(name);
    if (!entry) return;
    let payload;
    try {
      payload = readPayload(bytes);
    } catch {
      return;
    }
    if (resets.has(name) && payload.type !== 'awareness') {
      // The old document holds a refused write: gather the server's state apart, answer no state vector.
      if (payload.type === 'step2' || payload.type === 'update') resets.gather(name, payload.update);
      return;
    }
    if (payload.type === 'awareness') {
      presences.receive(name, payload.update);
    } else if (payload.type === 'step2' || payload.type === 'update') {
      applyServerState(store, entry, payload.update, payload.type === 'step2' ? 'state' : 'update');
      offline?.record(name, payload.update);
    } else if (payload.type === 'step1') {
      const vector = offline ? offline.replyVector(name, payload.stateVector) : payload.stateVector;
      const missing = missingOnServer(entry.ydoc, vector);
      if (missing) this.#parts.sendTracked(name, missing);
    }
  }
}
