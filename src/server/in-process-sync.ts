/**
 * The sync port of an in-process model (`server.createModel()`): the model
 * joins the server's rooms directly, without a socket. It reads what storage
 * holds, its writes go through the same rooms as every client's (stored,
 * then broadcast), and the rooms' updates reach it while it subscribes.
 * Without a session its reads and writes are trusted; with one (`guard`),
 * the server's read rules, write rules and schema check them as they check
 * a client's. `fetchOnly` loads subscribed documents without joining their
 * rooms (a server-side render: the browser subscribes when it resumes).
 */
import * as Y from 'yjs';
import type { DocEntry } from '../model/documents/doc-entry.ts';
import type { Model } from '../model/model.ts';
import type { Presence } from '../model/presence/presence.ts';
import { onLocalUpdates } from '../model/documents/local-updates.ts';
import { LOAD_ORIGIN } from '../model/documents/model-store.ts';
import {
  type DocRef,
  type Holdings,
  type HoldMode,
  type ServerQuery,
  type ServerQueryHandler,
  type ServerQuerySpec,
  type SyncPort,
} from '../model/documents/sync-port.ts';
import type { WriteCallback } from '../model/mutations/write-scope.ts';
import { docName } from '../protocol/doc-name.ts';
import { readPayload } from '../protocol/sync-payload.ts';
import { ReadGate } from './read-gate.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import { historyAnswer } from './connection-history.ts';
import { InProcessConnection } from './in-process-connection.ts';
import { InProcessPresences } from './in-process-presence.ts';
import { openInProcessQuery } from './in-process-query.ts';
import type { Session } from './session.ts';
import { InProcessHolds } from './in-process-holds.ts';
import type { InProcessOptions } from './in-process-options.ts';
import { InProcessWrites } from './in-process-writes.ts';

/** Origin of the room's updates applied to the model (never written back). */
const ROOM_ORIGIN: unique symbol = Symbol('yracer:in-process-room');

/** Origins of transactions that are not the model's own writes. */
const SYNC_ORIGINS: readonly unknown[] = [ROOM_ORIGIN, LOAD_ORIGIN];

/** Connects an in-process model to the server's rooms. */
export class InProcessSync implements SyncPort, RoomPeer {
  readonly connection: InProcessConnection;
  readonly #model: Model;
  readonly #options: InProcessOptions;
  readonly #holds: InProcessHolds;
  readonly #entries = new Map<string, DocEntry>();
  readonly #detachers = new Map<DocEntry, () => void>();
  /** Writes in flight, stored in order per document. */
  readonly #writes: InProcessWrites;
  readonly #presences: InProcessPresences;
  /** With a session: the read rules over what rooms send (null: trusted). */
  readonly #gate: ReadGate | null;
  /** The live queries counted against `maxQueries` (a model with a session). */
  readonly #liveQueries = new Set<object>();
  #closed = false;

  constructor(model: Model, options: InProcessOptions) {
    this.#model = model;
    this.#options = options;
    const { guard } = options;
    this.#writes = new InProcessWrites({
      registry: options.registry,
      log: options.log,
      guard,
      peer: this,
      store: model.store,
      entry: (name) => this.#entries.get(name),
      closed: () => this.#closed,
      emitError: (room, error) => this.#emitError(room, error),
      changed: () => this.connection.changed(),
    });
    this.#gate = guard
      ? new ReadGate({ access: guard.access, session: () => guard.session, revoke: (room, reason) => this.#holds.revoke(room, reason), log: options.log })
      : null;
    this.#holds = new InProcessHolds({
      model,
      options,
      peer: this,
      gate: this.#gate,
      writes: this.#writes,
      roomOrigin: ROOM_ORIGIN,
      closed: () => this.#closed,
      emitError: (room, error) => this.#emitError(room, error),
      rejoined: (name) => this.#presences.joined(name),
    });
    this.connection = new InProcessConnection(
      () => this.#closed,
      () => this.#writes.lastSyncedAt,
      (error) => options.log('error', `in-process model: a connection watcher threw (${String(error)})`),
    );
    this.#presences = new InProcessPresences({
      peer: this,
      log: options.log,
      hold: (ref) => this.hold([ref], 'subscribe'),
      release: (ref) => void this.release([ref], 'subscribe'),
      roomOf: (name) => this.#holds.roomOf(name),
      closed: () => this.#closed,
    });
  }

  /**
   * A document's history, from the server's directly (`loadHistory`,
   * `loadSnapshot`, `useHistory`): checked by the read rule when the model
   * acts for a session, trusted otherwise.
   */
  requestHistory(ref: DocRef, checkpoint: number): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('yracer: the model is closed'));
    return historyAnswer(this.#options.history ?? null, ref.collection, ref.id, checkpoint, this.session);
  }

  /** The session the model acts for (undefined: a trusted model; its writes are the server's own). */
  get session(): Session | undefined {
    return this.#options.guard?.session;
  }

  /** The presence of a document: awareness shared through its room with every client of it. */
  openPresence(ref: DocRef): Presence {
    return this.#presences.open(ref);
  }

  attach(entry: DocEntry): void {
    const name = docName(entry.collection, entry.id);
    this.#entries.set(name, entry);
    const stop = onLocalUpdates(entry.ydoc, SYNC_ORIGINS, (update) => {
      if (this.#closed) return;
      this.#writes.local(entry, update);
    });
    this.#detachers.set(entry, stop);
  }

  detach(entry: DocEntry): void {
    this.#detachers.get(entry)?.();
    this.#detachers.delete(entry);
    const name = docName(entry.collection, entry.id);
    if (this.#entries.get(name) === entry) this.#entries.delete(name);
  }

  /** Emits the model's `error` event at a room's document. */
  #emitError(room: Room, error: Error): void {
    try {
      this.#model.store.writeErrors.emit(`${room.key.collection}.${room.key.id}`, error);
    } catch (thrown) {
      this.#options.log('error', `in-process model: an error listener threw (${String(thrown)})`);
    }
  }

  openQuery(spec: ServerQuerySpec, handler: ServerQueryHandler): ServerQuery {
    const { queries, guard, fetchOnly = false, maxQueries = Infinity } = this.#options;
    // A model acting for a session holds at most maxQueries live queries, as a connection does.
    const quota = guard ? { held: this.#liveQueries, max: maxQueries } : undefined;
    return openInProcessQuery({ queries, holds: this, guard, fetchOnly, quota }, spec, handler);
  }

  markWrite(entry: DocEntry): number {
    return this.#writes.mark(entry);
  }

  settleWrite(entry: DocEntry, marker: number, callback: WriteCallback): void {
    this.#writes.settle(entry, marker, callback);
  }

  async hold(refs: readonly DocRef[], mode: HoldMode): Promise<void> {
    if (this.#closed) throw new Error('yracer: the model is closed');
    await Promise.all(refs.map((ref) => this.#holds.hold(ref, mode)));
  }

  /** A room's broadcast: applied once the read rules allow the document (at once when trusted). */
  sendPayload(room: Room, payload: Uint8Array): void {
    if (this.#gate) this.#gate.pass(room, () => this.#apply(room, payload));
    else this.#apply(room, payload);
  }

  #apply(room: Room, payload: Uint8Array): void {
    if (this.#closed) return;
    let message;
    try {
      message = readPayload(payload);
    } catch {
      return;
    }
    if (message.type === 'awareness') {
      this.#presences.receive(room.name, message.update);
      return;
    }
    const entry = this.#entries.get(room.name);
    if (!entry) return;
    if (message.type !== 'update' && message.type !== 'step2') return;
    try {
      Y.applyUpdate(entry.ydoc, message.update, ROOM_ORIGIN);
    } catch (error) {
      this.#options.log('error', `in-process model: applying an update of ${room.name} threw (${String(error)})`);
    }
  }

  roomLost(room: Room): void {
    this.#holds.roomLost(room);
  }

  async release(refs: readonly DocRef[], mode: HoldMode): Promise<void> {
    this.#holds.release(refs, mode);
  }

  async releaseAll(): Promise<void> {
    this.#holds.releaseAll();
    // Presences in use keep their documents (they release them when no longer used).
    this.#presences.reholdAll();
  }

  holdings(): Holdings {
    return this.#holds.holdings();
  }

  whenNothingPending(): Promise<void> {
    return this.#writes.whenNothingPending();
  }

  /** An in-process model has no offline store: resolves at once. */
  whenStoredOffline(): Promise<void> {
    return Promise.resolve();
  }

  hasPending(doc?: DocRef): boolean {
    return this.#writes.has(doc ? docName(doc.collection, doc.id) : undefined);
  }

  pendingCount(): number {
    return this.#writes.count();
  }

  connect(): void {}

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#presences.close(); // my removals reach the rooms before the model leaves them
    this.#holds.close();
    for (const detach of this.#detachers.values()) detach();
    this.#detachers.clear();
    this.#options.onClose?.();
  }
}
