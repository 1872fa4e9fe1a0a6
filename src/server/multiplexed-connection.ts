/**
 * A yracer client's connection: many documents over one socket, in the
 * frames of docs/protocol.md (subscribe, doc messages with acknowledged
 * updates, errors). Bad input gets an `error` message (or, for a frame that
 * cannot be read at all, a close with 4400); nothing of it is stored.
 */
import type { DocMessage } from '../protocol/doc-message.ts';
import { docFrame } from '../protocol/doc-frame.ts';
import { parseDocName } from '../protocol/doc-name.ts';
import { CloseCode, ErrorCode } from '../protocol/error-code.ts';
import { errorMessage } from '../protocol/error-message.ts';
import { docFrameHead } from '../protocol/doc-frame-head.ts';
import { LimitName, limitsMessage } from '../protocol/limits-message.ts';
import { decodeFrame, UnknownMessageError, type Message } from '../protocol/frame.ts';
import { MessageKind } from '../protocol/message-kind.ts';
import { ProtocolError } from '../protocol/message-schema.ts';
import { pongMessage } from '../protocol/pong-message.ts';
import { awarenessPayload, readPayload, step2Payload, type SyncPayload } from '../protocol/sync-payload.ts';
import { AckBatch } from './ack-batch.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import { receiveChecked } from './checked-write.ts';
import { ReadGate } from './read-gate.ts';
import { Connection } from './connection.ts';
import { answerHistory } from './connection-history.ts';
import { ConnectionQueries } from './connection-queries.ts';
import { ConnectionSubscriptions } from './connection-subscriptions.ts';
import { errorReportFrame, type ErrorReport } from './error-report.ts';
import { BadUpdateError } from './bad-update-error.ts';
import type { Room } from './room.ts';

/** Encoded `doc` frames by payload, shared by the peers of one broadcast. */
const frames = new WeakMap<Uint8Array, { doc: string; bytes: Uint8Array }>();

/** A multiplexed connection (many documents, one socket). */
export class MultiplexedConnection extends Connection {
  /** Acknowledgements, sent at the end of the turn (one per document). */
  readonly #acks = new AckBatch((frame) => this.send(frame));
  readonly #gate = new ReadGate({
    access: this.context.access,
    session: () => this.session ?? {},
    log: (level, message) => this.log(level, message),
    revoke: (room, reason) => this.#subscriptions.revoke(room, reason),
  });
  /** Subscribed and fetched documents (connection-subscriptions.ts). */
  readonly #subscriptions = new ConnectionSubscriptions({
    context: this.context,
    peer: this,
    gate: this.#gate,
    isClosed: () => this.closed,
    session: () => this.session ?? {},
    send: (frame) => this.send(frame),
    sendDoc: (room, payload) => this.#sendDoc(room, payload),
    reportError: (report) => this.#error(report),
  });
  readonly #queries = new ConnectionQueries({
    context: this.context,
    isClosed: () => this.closed,
    send: (frame) => this.send(frame),
    reportError: (report) => this.#error(report),
    isSubscribed: (name) => this.#subscriptions.isSubscribed(name),
    adopt: (name, room) => this.#subscriptions.adopt(name, room),
    peer: this,
    session: () => this.session ?? {},
  });

  protected describe(): string {
    return 'multiplexed connection';
  }

  /** Number of documents this connection subscribes to. */
  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** Tells the client the limits it must keep to (`limits`), before anything else. */
  protected async open(): Promise<void> {
    const { maxFrameBytes, maxMessagesPerSecond, messageBurst, maxSubscriptions } = this.context.options;
    const limits = [
      { name: LimitName.MaxFrameBytes, value: maxFrameBytes },
      // 0: no limit (the option is Infinity).
      { name: LimitName.MaxMessagesPerSecond, value: Number.isFinite(maxMessagesPerSecond) ? Math.floor(maxMessagesPerSecond) : 0 },
      { name: LimitName.MessageBurst, value: Number.isFinite(messageBurst) ? Math.floor(messageBurst) : 0 },
      { name: LimitName.MaxSubscriptions, value: maxSubscriptions },
    ];
    this.send(limitsMessage.encode({ limits }));
  }

  /** An update over `maxFrameBytes` is refused with `too-large` (nothing of it kept); the connection stays open. */
  protected override refuseOversized(frame: Uint8Array): boolean {
    const head = docFrameHead(frame);
    if (!head) return false;
    const { maxFrameBytes } = this.context.options;
    this.#error({
      seq: head.seq,
      doc: head.doc,
      code: ErrorCode.TooLarge,
      message: `the update's frame is ${frame.byteLength} bytes; this server takes frames of at most ${maxFrameBytes} bytes`,
    });
    return true;
  }

  /** A room's broadcast: sent once the read rules allow the document (at once without rules). */
  sendPayload(room: Room, payload: Uint8Array): void {
    this.#gate.pass(room, () => this.#sendDoc(room, payload));
  }

  #sendDoc(room: Room, payload: Uint8Array): void {
    // A broadcast hands every peer the same payload: encode its frame once (kept only when another peer may take it).
    let frame = frames.get(payload);
    if (!frame || frame.doc !== room.name) {
      frame = { doc: room.name, bytes: docFrame(room.name, 0, payload) };
      if (room.peers.size > 2) frames.set(payload, frame);
    }
    this.send(frame.bytes);
  }

  #error(report: ErrorReport): void {
    this.log('warn', `${report.code}${report.doc ? ` for ${report.doc}` : ''}: ${report.message}`);
    this.send(errorReportFrame(report));
  }

  protected async handle(frame: Uint8Array, isBinary: boolean): Promise<void> {
    if (!isBinary) {
      this.log('warn', 'text frame on the binary protocol');
      this.close(CloseCode.BadFrame, 'text frames are not part of the protocol');
      return;
    }
    let message: Message;
    try {
      message = decodeFrame(frame);
    } catch (error) {
      if (error instanceof UnknownMessageError) {
        this.#error({ code: ErrorCode.UnknownMessage, message: error.message });
        return;
      }
      const reason = error instanceof ProtocolError ? error.message : String(error);
      this.log('warn', `malformed frame (${reason})`);
      this.close(CloseCode.BadFrame, 'malformed frame');
      return;
    }
    switch (message.kind) {
      case MessageKind.Doc:
        return this.#onDoc(message);
      case MessageKind.Subscribe:
        return this.#subscriptions.subscribe(message);
      case MessageKind.SubscribeMany:
        return this.#subscriptions.subscribeMany(message);
      case MessageKind.Unsubscribe:
        this.#subscriptions.unsubscribe(message.doc);
        return;
      case MessageKind.Query:
        return this.#queries.onQuery(message);
      case MessageKind.Unquery:
        this.#queries.onUnquery(message.request);
        return;
      case MessageKind.Ping:
        this.send(pongMessage.encode({}));
        return;
      case MessageKind.History:
        return answerHistory(
          { history: this.context.history ?? null, session: this.session ?? {}, isClosed: () => this.closed, send: (frame) => this.send(frame), reportError: (report) => this.#error(report) },
          message,
        );
      default:
        this.#error({ code: ErrorCode.UnknownMessage, message: `a client may not send message kind ${message.kind}` });
    }
  }

  async #onDoc(message: DocMessage): Promise<void> {
    const { doc, seq } = message;
    const key = parseDocName(doc);
    if (!key) {
      this.#error({ seq, doc, code: ErrorCode.BadDocName, message: `"${doc}" is not collection/docId` });
      return;
    }
    let payload: SyncPayload;
    try {
      payload = readPayload(message.payload);
    } catch (error) {
      this.#error({ seq, doc, code: ErrorCode.BadPayload, message: error instanceof Error ? error.message : String(error) });
      return;
    }
    const subscribed = this.#subscriptions.get(doc);
    if ((payload.type === 'awareness' || payload.type === 'query-awareness') && !subscribed) {
      this.#error({ seq, doc, code: ErrorCode.NotSubscribed, message: 'awareness needs a subscription to the document' });
      return;
    }
    if (!subscribed && !this.#subscriptions.fetch(doc)) {
      this.#error({ seq, doc, code: ErrorCode.TooManySubscriptions, message: this.#subscriptions.holdLimit() });
      return;
    }
    let room: Room;
    try {
      room = subscribed ?? (await this.context.registry.open(doc, key));
    } catch (error) {
      this.#error({ seq, doc, code: ErrorCode.StorageFailed, message: `loading failed: ${String(error)}` });
      return;
    }
    if (this.closed) return;
    switch (payload.type) {
      case 'step1':
        // Reading a document by its state vector: the same read rule as a subscription (asked again when subscribed).
        await this.#subscriptions.whenReadable(room, { seq, doc }, () => {
          try {
            this.#sendDoc(room, step2Payload(room.diff(payload.stateVector)));
          } catch {
            this.#error({ seq, doc, code: ErrorCode.BadPayload, message: 'the state vector cannot be decoded' });
          }
        });
        return;
      case 'step2':
      case 'update':
        return this.#onUpdate(room, payload.update, seq, subscribed === undefined);
      case 'awareness': {
        let refusals;
        try {
          refusals = room.applyAwareness(payload.update, this);
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          this.#error({ seq, doc, code: ErrorCode.BadPayload, message: error.message });
          return;
        }
        // Entries about others' client ids, or over a limit, were dropped: one error per kind, the connection stays.
        for (const refusal of refusals) this.#error({ seq, doc, code: refusal.code, message: refusal.message });
        return;
      }
      case 'query-awareness':
        await this.#subscriptions.whenReadable(room, { seq, doc }, () => {
          const state = room.awarenessState();
          if (state) this.#sendDoc(room, awarenessPayload(state));
        });
    }
  }

  async #onUpdate(room: Room, update: Uint8Array, seq: number, unsubscribed: boolean): Promise<void> {
    let stored: Promise<void>;
    try {
      ({ stored } = await receiveChecked(room, update, this, this.session ?? {}, this.context.access));
    } catch (error) {
      if (unsubscribed) this.context.registry.touch(room);
      if (error instanceof AccessRefusedError) {
        this.#error({ seq, doc: room.name, code: error.code, message: error.message });
        return;
      }
      if (!(error instanceof BadUpdateError)) throw error;
      this.#error({ seq, doc: room.name, code: ErrorCode.BadUpdate, message: error.message });
      return;
    }
    if (unsubscribed) this.context.registry.touch(room);
    stored.then(
      () => {
        if (seq > 0) this.#acks.add(room.name, seq);
      },
      (error: unknown) => this.#error({ seq, doc: room.name, code: ErrorCode.StorageFailed, message: `storing failed: ${String(error)}` }),
    );
  }

  roomLost(room: Room): void {
    this.#subscriptions.lost(room);
    this.send(errorMessage.encode({ seq: 0, request: 0, doc: room.name, code: ErrorCode.RoomReset, message: 'subscribe again' }));
  }

  protected onClosed(): void {
    this.#queries.close();
    this.#subscriptions.close();
  }
}
