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
  holdingsOf,
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
import { isEmptyUpdate, readPayload } from '../protocol/sync-payload.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import { ReadGate } from './read-gate.ts';
import { whenReadable } from './when-readable.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import { InProcessConnection } from './in-process-connection.ts';
import { InProcessPresences } from './in-process-presence.ts';
import { openInProcessQuery } from './in-process-query.ts';
import type { LiveQueries } from './live-queries.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';
import { InProcessWrites, type SessionGuard } from './in-process-writes.ts';

/** Origin of the room's updates applied to the model (never written back). */
const ROOM_ORIGIN: unique symbol = Symbol('yracer:in-process-room');

/** Origins of transactions that are not the model's own writes. */
const SYNC_ORIGINS: readonly unknown[] = [ROOM_ORIGIN, LOAD_ORIGIN];

interface Hold {
  readonly ref: DocRef;
  readonly name: string;
  subscribes: number;
  fetches: number;
  /** The room joined while subscribed. */
  room: Room | null;
  /** Resolves once the document is in the model. */
  loading: Promise<void> | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** True after the last load failed (a read rule refused it): not listed in the holdings. */
  refused: boolean;
}

/** What an in-process model needs from its server. */
export interface InProcessOptions {
  readonly registry: RoomRegistry;
  readonly queries: LiveQueries;
  readonly log: ServerLog;
  /** How long a released document stays in the model, in ms. */
  readonly unloadDelayMs: number;
  /** Called once when the model closes. */
  readonly onClose?: () => void;
  /** The session the model acts for, checked by the server's rules and schema (none: trusted). */
  readonly guard?: SessionGuard;
  /** Subscribing loads the document once without joining its room (holdings still list it as subscribed). */
  readonly fetchOnly?: boolean;
  /** With a session: most live queries the model may hold at once (the server's `maxQueries`); no limit when absent. */
  readonly maxQueries?: number;
}

/** Connects an in-process model to the server's rooms. */
export class InProcessSync implements SyncPort, RoomPeer {
  readonly connection: InProcessConnection;
  readonly #model: Model;
  readonly #options: InProcessOptions;
  readonly #holds = new Map<string, Hold>();
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
      ? new ReadGate({ access: guard.access, session: () => guard.session, revoke: (room, reason) => this.#revoke(room, reason), log: options.log })
      : null;
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
      roomOf: (name) => this.#holds.get(name)?.room ?? null,
      closed: () => this.#closed,
    });
  }

  /** The presence of a document: awareness shared through its room with every client of it. */
  /** The session the model acts for (undefined: a trusted model; its writes are the server's own). */
  get session(): Session | undefined {
    return this.#options.guard?.session;
  }

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
    await Promise.all(refs.map((ref) => this.#hold(ref, mode)));
  }

  #hold(ref: DocRef, mode: HoldMode): Promise<void> {
    const name = docName(ref.collection, ref.id);
    let hold = this.#holds.get(name);
    if (!hold) {
      hold = { ref, name, subscribes: 0, fetches: 0, room: null, loading: null, timer: null, refused: false };
      this.#holds.set(name, hold);
    }
    if (hold.timer !== null) clearTimeout(hold.timer);
    hold.timer = null;
    if (mode === 'subscribe') hold.subscribes += 1;
    else hold.fetches += 1;
    this.#model.store.ensureEntry(ref.collection, ref.id);
    if (mode === 'subscribe' && hold.room === null && !this.#options.fetchOnly) hold.loading = this.#load(hold, true);
    hold.loading ??= this.#load(hold, false);
    const loading = hold.loading;
    return loading.then(
      () => {
        hold.refused = false;
      },
      (error: unknown) => {
        // Refused (a read rule) or failed: the count stays until released, as for a client; a later hold tries again.
        if (hold.loading === loading) hold.loading = null;
        hold.refused = true;
        throw error;
      },
    );
  }

  /** Opens the room, joins it when subscribing, and brings model and room up to date with each other. */
  async #load(hold: Hold, join: boolean): Promise<void> {
    const { registry } = this.#options;
    const room = await registry.open(hold.name, hold.ref);
    const entry = this.#model.store.entry(hold.ref.collection, hold.ref.id);
    if (this.#closed || !entry || this.#holds.get(hold.name) !== hold) return;
    const guard = this.#options.guard;
    const load = (): void => this.#loadFrom(room, hold, entry, join);
    const denied = guard ? await whenReadable(guard.access, registry, guard.session, room, load) : (load(), null);
    if (denied) {
      throw new AccessRefusedError({ code: 'forbidden', message: `reading ${hold.ref.collection}.${hold.ref.id}: ${denied}` });
    }
  }

  /** Joins the room when subscribing and brings model and room up to date with each other (one synchronous step). */
  #loadFrom(room: Room, hold: Hold, entry: DocEntry, join: boolean): void {
    const { registry } = this.#options;
    if (this.#closed || this.#holds.get(hold.name) !== hold || this.#model.store.entry(hold.ref.collection, hold.ref.id) !== entry) return;
    if (join && hold.subscribes > 0 && hold.room === null) {
      this.#gate?.admit(room);
      registry.join(room, this);
      hold.room = room;
    } else {
      registry.touch(room);
    }
    if (entry.ydoc.store.clients.size === 0) {
      this.#model.store.load(hold.ref.collection, hold.ref.id, room.diff());
    } else {
      Y.applyUpdate(entry.ydoc, room.diff(Y.encodeStateVector(entry.ydoc)), ROOM_ORIGIN);
      const missing = Y.encodeStateAsUpdate(entry.ydoc, room.stateVector());
      if (!isEmptyUpdate(missing)) this.#writes.store(hold.ref.collection, hold.ref.id, missing, entry.ydoc);
      this.#model.store.markLoaded(hold.ref.collection, hold.ref.id);
    }
  }

  /** A room's broadcast: applied once the read rules allow the document (at once when trusted). */
  sendPayload(room: Room, payload: Uint8Array): void {
    if (this.#gate) this.#gate.pass(room, () => this.#apply(room, payload));
    else this.#apply(room, payload);
  }

  /** The read rule now denies a subscribed document: leave its room (the data stays as last received) and emit `error`. */
  #revoke(room: Room, reason: string): void {
    const hold = this.#holds.get(room.name);
    if (this.#closed || !hold || hold.room !== room) return;
    this.#options.registry.leave(room, this);
    hold.room = null;
    hold.loading = null;
    const message = `${room.key.collection}.${room.key.id} is no longer readable, unsubscribed: ${reason}`;
    this.#emitError(room, new AccessRefusedError({ code: 'forbidden', message }));
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
    const hold = this.#holds.get(room.name);
    if (!hold || hold.room !== room) return;
    hold.room = null;
    if (hold.subscribes > 0 && !this.#closed) {
      hold.loading = this.#load(hold, true);
      const loading = hold.loading;
      loading.then(
        () => this.#presences.joined(room.name),
        (error: unknown) => {
          if (hold.loading === loading) hold.loading = null;
          if (error instanceof AccessRefusedError) this.#emitError(room, error);
          else this.#options.log('error', `in-process model: reloading ${room.name} failed (${String(error)})`);
        },
      );
    }
  }

  async release(refs: readonly DocRef[], mode: HoldMode): Promise<void> {
    for (const ref of refs) {
      const hold = this.#holds.get(docName(ref.collection, ref.id));
      if (!hold) continue;
      if (mode === 'subscribe') hold.subscribes = Math.max(0, hold.subscribes - 1);
      else hold.fetches = Math.max(0, hold.fetches - 1);
      this.#settleHold(hold);
    }
  }

  async releaseAll(): Promise<void> {
    for (const hold of this.#holds.values()) {
      hold.subscribes = 0;
      hold.fetches = 0;
      this.#settleHold(hold);
    }
    // Presences in use keep their documents (they release them when no longer used).
    this.#presences.reholdAll();
  }

  /** Leaves the room once unsubscribed; drops the document after the unload delay once nothing holds it. */
  #settleHold(hold: Hold): void {
    if (hold.subscribes === 0 && hold.room) {
      this.#options.registry.leave(hold.room, this);
      this.#gate?.forget(hold.name);
      hold.room = null;
      hold.loading = null;
    }
    if (hold.subscribes > 0 || hold.fetches > 0 || hold.timer !== null || this.#closed) return;
    hold.timer = setTimeout(() => {
      hold.timer = null;
      if (hold.subscribes > 0 || hold.fetches > 0 || this.#closed) return;
      if (this.#writes.has(hold.name)) {
        this.#settleHold(hold);
        return;
      }
      this.#holds.delete(hold.name);
      this.#model.store.unload(hold.ref.collection, hold.ref.id);
    }, this.#options.unloadDelayMs);
    hold.timer.unref?.();
  }

  holdings(): Holdings {
    return holdingsOf([...this.#holds.values()].filter((hold) => !hold.refused));
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
    for (const hold of this.#holds.values()) {
      if (hold.timer !== null) clearTimeout(hold.timer);
      if (hold.room) this.#options.registry.leave(hold.room, this);
    }
    this.#holds.clear();
    for (const detach of this.#detachers.values()) detach();
    this.#detachers.clear();
    this.#options.onClose?.();
  }
}
