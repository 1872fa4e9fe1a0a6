/**
 * A yracer client's connection: many documents over one socket, in the
 * frames of docs/protocol.md (subscribe, doc messages with acknowledged
 * updates, errors). Bad input gets an `error` message (or, for a frame that
 * cannot be read at all, a close with 4400); nothing of it is stored.
 */
import { docMessage, type DocMessage } from '../protocol/doc-message.ts';
import { parseDocName } from '../protocol/doc-name.ts';
import { CloseCode, ErrorCode } from '../protocol/error-code.ts';
import { errorMessage } from '../protocol/error-message.ts';
import { docFrameHead } from '../protocol/doc-frame-head.ts';
import { LimitName, limitsMessage } from '../protocol/limits-message.ts';
import { decodeFrame, UnknownMessageError, type Message } from '../protocol/frame.ts';
import { MessageKind } from '../protocol/message-kind.ts';
import { ProtocolError } from '../protocol/message-schema.ts';
import { pongMessage } from '../protocol/pong-message.ts';
import { SubscribeMode, type SubscribeMessage } from '../protocol/subscribe-message.ts';
import { subscribedMessage } from '../protocol/subscribed-message.ts';
import { awarenessPayload, readPayload, step1Payload, step2Payload, type SyncPayload } from '../protocol/sync-payload.ts';
import { AckBatch } from './ack-batch.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import { receiveChecked } from './checked-write.ts';
import { ReadGate } from './read-gate.ts';
import { whenReadable } from './when-readable.ts';
import { Connection } from './connection.ts';
import { ConnectionQueries } from './connection-queries.ts';
import { errorReportFrame, type ErrorReport } from './error-report.ts';
import { FetchedRooms } from './fetched-rooms.ts';
import { BadUpdateError } from './room-settings.ts';
import type { Room } from './room.ts';

/** Encoded `doc` frames by payload, shared by the peers of one broadcast. */
const frames = new WeakMap<Uint8Array, { doc: string; bytes: Uint8Array }>();

/** A multiplexed connection (many documents, one socket). */
export class MultiplexedConnection extends Connection {
  readonly #subscriptions = new Map<string, Room>();
  /** Documents whose subscribe request is being answered. */
  readonly #subscribing = new Set<string>();
  /** Acknowledgements, sent at the end of the turn (one per document). */
  readonly #acks = new AckBatch((frame) => this.send(frame));
  /** Documents loaded for this connection without a subscription; they count against `maxSubscriptions`. */
  readonly #fetched = new FetchedRooms(this.context.options.unloadDelayMs);
  readonly #queries = new ConnectionQueries({
    context: this.context,
    isClosed: () => this.closed,
    send: (frame) => this.send(frame),
    reportError: (report) => this.#error(report),
    isSubscribed: (name) => this.#subscriptions.has(name) || this.#subscribing.has(name),
    adopt: (name, room) => this.#adopt(name, room),
    peer: this,
    session: () => this.session ?? {},
  });
  readonly #gate = new ReadGate({
    access: this.context.access,
    session: () => this.session ?? {},
    log: (level, message) => this.log(level, message),
    revoke: (room, reason) => this.#revoke(room, reason),
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
    // A broadcast hands every peer the same payload: encode its frame once.
    let frame = frames.get(payload);
    if (!frame || frame.doc !== room.name) {
      frame = { doc: room.name, bytes: docMessage.encode({ doc: room.name, seq: 0, payload }) };
      frames.set(payload, frame);
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
        return this.#onSubscribe(message);
      case MessageKind.SubscribeMany:
        // Each entry as its own subscribe, in order.
        for (const { request, doc, stateVector } of message.docs) {
          if (this.closed) return;
          await this.#onSubscribe({ kind: MessageKind.Subscribe, request, doc, mode: message.mode, stateVector });
        }
        return;
      case MessageKind.Unsubscribe: {
        const room = this.#subscriptions.get(message.doc);
        if (room) this.#unsubscribe(room);
        return;
      }
      case MessageKind.Query:
        return this.#queries.onQuery(message);
      case MessageKind.Unquery:
        this.#queries.onUnquery(message.request);
        return;
      case MessageKind.Ping:
        this.send(pongMessage.encode({}));
        return;
      default:
        this.#error({ code: ErrorCode.UnknownMessage, message: `a client may not send message kind ${message.kind}` });
    }
  }

  async #onSubscribe(message: SubscribeMessage): Promise<void> {
    const { request, doc, mode } = message;
    const key = parseDocName(doc);
    if (!key) {
      this.#error({ request, doc, code: ErrorCode.BadDocName, message: `"${doc}" is not collection/docId` });
      return;
    }
    if (mode !== SubscribeMode.Subscribe && mode !== SubscribeMode.Fetch) {
      this.#error({ request, doc, code: ErrorCode.BadPayload, message: `unknown subscribe mode ${mode}` });
      return;
    }
    const known = this.#subscriptions.has(doc);
    if (!known && !this.#mayHold(doc)) {
      this.#error({ request, doc, code: ErrorCode.TooManySubscriptions, message: this.#holdLimit() });
      return;
    }
    let room: Room;
    this.#subscribing.add(doc);
    try {
      room = await this.context.registry.open(doc, key);
    } catch (error) {
      this.#error({ request, doc, code: ErrorCode.StorageFailed, message: `loading failed: ${String(error)}` });
      return;
    } finally {
      this.#subscribing.delete(doc);
    }
    if (this.closed) return;
    await this.#whenReadable(room, { request, doc }, () => this.#answerSubscribe(room, message, known));
  }

  /** Subscribes (or fetches) a checked room and sends its state, then `subscribed` (one synchronous step after the read check). */
  #answerSubscribe(room: Room, message: SubscribeMessage, known: boolean): void {
    const { request, doc, mode } = message;
    let diff: Uint8Array;
    try {
      diff = room.diff(message.stateVector);
    } catch {
      this.#error({ request, doc, code: ErrorCode.BadPayload, message: 'the state vector cannot be decoded' });
      return;
    }
    if (mode === SubscribeMode.Subscribe && !this.#subscriptions.has(doc)) {
      this.#fetched.forget(doc);
      this.#subscriptions.set(doc, room);
      this.#gate.admit(room);
      this.context.registry.join(room, this);
    } else if (!known) {
      this.#fetched.touch(doc);
      this.context.registry.touch(room);
    }
    this.#sendDoc(room, step2Payload(diff));
    this.#sendDoc(room, step1Payload(room.stateVector()));
    const awareness = room.awarenessState();
    if (awareness && mode === SubscribeMode.Subscribe) this.#sendDoc(room, awarenessPayload(awareness));
    this.send(subscribedMessage.encode({ request, doc }));
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
    if (!subscribed) {
      if (!this.#mayHold(doc)) {
        this.#error({ seq, doc, code: ErrorCode.TooManySubscriptions, message: this.#holdLimit() });
        return;
      }
      this.#fetched.touch(doc);
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
        await this.#whenReadable(room, { seq, doc }, () => {
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
        await this.#whenReadable(room, { seq, doc }, () => {
          const state = room.awarenessState();
          if (state) this.#sendDoc(room, awarenessPayload(state));
        });
    }
  }

  /**
   * Runs `then` (in the step that saw the read rule allow the room's current
   * value) or sends `forbidden` for the request; a subscription to a
   * document the session may no longer read ends then (with the request-less
   * `forbidden` of a revocation).
   */
  async #whenReadable(room: Room, about: { readonly request?: number; readonly seq?: number; readonly doc: string }, then: () => void): Promise<void> {
    const denied = await whenReadable(this.context.access, this.context.registry, this.session ?? {}, room, () => {
      if (!this.closed) then();
    });
    if (denied === null || this.closed) return;
    if (this.#subscriptions.get(room.name) === room) this.#revoke(room, denied);
    this.#error({ ...about, code: ErrorCode.Forbidden, message: denied });
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

  /** True when the connection may have one more document loaded (`doc` counts already when it is held). */
  #mayHold(doc: string): boolean {
    if (this.#subscriptions.has(doc) || this.#fetched.has(doc)) return true;
    return this.#subscriptions.size + this.#subscribing.size + this.#fetched.count() < this.context.options.maxSubscriptions;
  }

  #holdLimit(): string {
    const { maxSubscriptions, unloadDelayMs } = this.context.options;
    return `at most ${maxSubscriptions} documents per connection (subscribed, or fetched or written in the last ${Math.round(unloadDelayMs / 1000)} s)`;
  }

  #adopt(name: string, room: Room): boolean {
    if (this.#subscriptions.size >= this.context.options.maxSubscriptions) return false;
    this.#subscriptions.set(name, room);
    this.#gate.admit(room); // checked by the queries just before
    this.context.registry.join(room, this);
    return true;
  }

  #unsubscribe(room: Room): void {
    this.#subscriptions.delete(room.name);
    this.#gate.forget(room.name);
    this.context.registry.leave(room, this);
  }

  /** The read rule now denies a subscribed document: unsubscribe and tell the client (`forbidden`, no request or seq). */
  #revoke(room: Room, reason: string): void {
    if (this.closed || this.#subscriptions.get(room.name) !== room) return;
    this.#unsubscribe(room);
    this.#error({ doc: room.name, code: ErrorCode.Forbidden, message: `no longer readable, unsubscribed: ${reason}` });
  }

  roomLost(room: Room): void {
    this.#gate.forget(room.name);
    if (this.#subscriptions.get(room.name) === room) this.#subscriptions.delete(room.name);
    this.send(errorMessage.encode({ seq: 0, request: 0, doc: room.name, code: ErrorCode.RoomReset, message: 'subscribe again' }));
  }

  protected onClosed(): void {
    this.#queries.close();
    for (const room of this.#subscriptions.values()) this.context.registry.leave(room, this);
    this.#subscriptions.clear();
  }
}
