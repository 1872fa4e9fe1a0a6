/**
 * `ConnectionSubscriptions`: the documents one multiplexed connection holds.
 * It answers `subscribe` and `subscribe-many` requests (a subscription, or a
 * one-time fetch, with the document's state and then `subscribed`), ends
 * subscriptions on `unsubscribe`, when the read rule denies a document
 * (`revoke`) or when its room is lost, and keeps the count of documents
 * held (subscribed, being subscribed, or fetched and written lately:
 * `FetchedRooms`) within `maxSubscriptions`.
 */
import { parseDocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import { SubscribeMode, type SubscribeMessage } from '../protocol/subscribe-message.ts';
import type { SubscribeManyMessage } from '../protocol/subscribe-many-message.ts';
import { subscribedMessage } from '../protocol/subscribed-message.ts';
import { MessageKind } from '../protocol/message-kind.ts';
import { awarenessPayload, step1Payload, step2Payload } from '../protocol/sync-payload.ts';
import type { ConnectionContext } from './connection.ts';
import type { ErrorReport } from './error-report.ts';
import { FetchedRooms } from './fetched-rooms.ts';
import type { ReadGate } from './read-gate.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import type { Session } from './session.ts';
import { whenReadable } from './when-readable.ts';

/** What the subscriptions need from their connection. */
export interface SubscriptionHost {
  readonly context: ConnectionContext;
  /** The connection as the rooms see it. */
  readonly peer: RoomPeer;
  /** The connection's read gate (subscribed documents are admitted to it). */
  readonly gate: ReadGate;
  isClosed(): boolean;
  /** The connection's session (for read rules). */
  session(): Session;
  send(frame: Uint8Array): void;
  /** Sends a y-protocols payload about a room's document (a `doc` frame). */
  sendDoc(room: Room, payload: Uint8Array): void;
  reportError(report: ErrorReport): void;
}

/** The subscribed and fetched documents of one connection. */
export class ConnectionSubscriptions {
  readonly #host: SubscriptionHost;
  readonly #rooms = new Map<string, Room>();
  /** Documents whose subscribe request is being answered. */
  readonly #subscribing = new Set<string>();
  /** Documents loaded for this connection without a subscription; they count against `maxSubscriptions`. */
  readonly #fetched: FetchedRooms;

  constructor(host: SubscriptionHost) {
    this.#host = host;
    this.#fetched = new FetchedRooms(host.context.options.unloadDelayMs);
  }

  /** Number of subscribed documents. */
  get size(): number {
    return this.#rooms.size;
  }

  /** The room of a subscribed document. */
  get(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** True when the connection subscribes (or is subscribing) to the document. */
  isSubscribed(name: string): boolean {
    return this.#rooms.has(name) || this.#subscribing.has(name);
  }

  /** Handles a `subscribe-many` request: each entry as its own subscribe, in order. */
  async subscribeMany(message: SubscribeManyMessage): Promise<void> {
    for (const { request, doc, stateVector } of message.docs) {
      if (this.#host.isClosed()) return;
      await this.subscribe({ kind: MessageKind.Subscribe, request, doc, mode: message.mode, stateVector });
    }
  }

  /** Handles a `subscribe` request (mode subscribe or fetch). */
  async subscribe(message: SubscribeMessage): Promise<void> {
    const { request, doc, mode } = message;
    const host = this.#host;
    const key = parseDocName(doc);
    if (!key) {
      host.reportError({ request, doc, code: ErrorCode.BadDocName, message: `"${doc}" is not collection/docId` });
      return;
    }
    if (mode !== SubscribeMode.Subscribe && mode !== SubscribeMode.Fetch) {
      host.reportError({ request, doc, code: ErrorCode.BadPayload, message: `unknown subscribe mode ${mode}` });
      return;
    }
    const known = this.#rooms.has(doc);
    if (!known && !this.#mayHold(doc)) {
      host.reportError({ request, doc, code: ErrorCode.TooManySubscriptions, message: this.holdLimit() });
      return;
    }
    let room: Room;
    this.#subscribing.add(doc);
    try {
      room = await host.context.registry.open(doc, key);
    } catch (error) {
      host.reportError({ request, doc, code: ErrorCode.StorageFailed, message: `loading failed: ${String(error)}` });
      return;
    } finally {
      this.#subscribing.delete(doc);
    }
    if (host.isClosed()) return;
    await this.whenReadable(room, { request, doc }, () => this.#answer(room, message, known));
  }

  /** Subscribes (or fetches) a checked room and sends its state, then `subscribed` (one synchronous step after the read check). */
  #answer(room: Room, message: SubscribeMessage, known: boolean): void {
    const { request, doc, mode } = message;
    const host = this.#host;
    let diff: Uint8Array;
    try {
      diff = room.diff(message.stateVector);
    } catch {
      host.reportError({ request, doc, code: ErrorCode.BadPayload, message: 'the state vector cannot be decoded' });
      return;
    }
    if (mode === SubscribeMode.Subscribe && !this.#rooms.has(doc)) {
      this.#fetched.forget(doc);
      this.#rooms.set(doc, room);
      host.gate.admit(room);
      host.context.registry.join(room, host.peer);
    } else if (!known) {
      this.#fetched.touch(doc);
      host.context.registry.touch(room);
    }
    host.sendDoc(room, step2Payload(diff));
    host.sendDoc(room, step1Payload(room.stateVector()));
    const awareness = room.awarenessState();
    if (awareness && mode === SubscribeMode.Subscribe) host.sendDoc(room, awarenessPayload(awareness));
    host.send(subscribedMessage.encode({ request, doc }));
  }

  /**
   * Runs `then` (in the step that saw the read rule allow the room's current
   * value) or reports `forbidden` for the request; a subscription to a
   * document the session may no longer read ends then (with the request-less
   * `forbidden` of a revocation).
   */
  async whenReadable(room: Room, about: { readonly request?: number; readonly seq?: number; readonly doc: string }, then: () => void): Promise<void> {
    const host = this.#host;
    const denied = await whenReadable(host.context.access, host.context.registry, host.session(), room, () => {
      if (!host.isClosed()) then();
    });
    if (denied === null || host.isClosed()) return;
    if (this.#rooms.get(room.name) === room) this.revoke(room, denied);
    host.reportError({ ...about, code: ErrorCode.Forbidden, message: denied });
  }

  /**
   * Counts a document the connection reads or writes without a subscription
   * as held for a while; false when the connection may not hold one more
   * (then `holdLimit()` says why).
   */
  fetch(doc: string): boolean {
    if (!this.#mayHold(doc)) return false;
    this.#fetched.touch(doc);
    return true;
  }

  /** True when the connection may have one more document loaded (`doc` counts already when it is held). */
  #mayHold(doc: string): boolean {
    if (this.#rooms.has(doc) || this.#fetched.has(doc)) return true;
    return this.#rooms.size + this.#subscribing.size + this.#fetched.count() < this.#host.context.options.maxSubscriptions;
  }

  /** Why a document over the limit was refused (`too-many-subscriptions`). */
  holdLimit(): string {
    const { maxSubscriptions, unloadDelayMs } = this.#host.context.options;
    return `at most ${maxSubscriptions} documents per connection (subscribed, or fetched or written in the last ${Math.round(unloadDelayMs / 1000)} s)`;
  }

  /** Subscribes the connection to a room a query found (already read-checked); false when it holds as many subscriptions as allowed. */
  adopt(name: string, room: Room): boolean {
    const host = this.#host;
    if (this.#rooms.size >= host.context.options.maxSubscriptions) return false;
    this.#rooms.set(name, room);
    host.gate.admit(room); // checked by the queries just before
    host.context.registry.join(room, host.peer);
    return true;
  }

  /** Handles `unsubscribe` (nothing when the document is not subscribed). */
  unsubscribe(name: string): void {
    const room = this.#rooms.get(name);
    if (room) this.#leave(room);
  }

  #leave(room: Room): void {
    this.#rooms.delete(room.name);
    this.#host.gate.forget(room.name);
    this.#host.context.registry.leave(room, this.#host.peer);
  }

  /** The read rule now denies a subscribed document: unsubscribe and tell the client (`forbidden`, no request or seq). */
  revoke(room: Room, reason: string): void {
    if (this.#host.isClosed() || this.#rooms.get(room.name) !== room) return;
    this.#leave(room);
    this.#host.reportError({ doc: room.name, code: ErrorCode.Forbidden, message: `no longer readable, unsubscribed: ${reason}` });
  }

  /** The room was discarded: forget it (the client is told to subscribe again). */
  lost(room: Room): void {
    this.#host.gate.forget(room.name);
    if (this.#rooms.get(room.name) === room) this.#rooms.delete(room.name);
  }

  /** The connection closed: leave every subscribed room. */
  close(): void {
    for (const room of this.#rooms.values()) this.#host.context.registry.leave(room, this.#host.peer);
    this.#rooms.clear();
  }
}
