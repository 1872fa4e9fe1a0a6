/**
 * `InProcessHolds`: the documents an in-process model holds (subscribed or
 * fetched), counted per document. Holding loads a document from its room
 * (joining the room while subscribed, unless fetch-only; with a session,
 * once the read rules allow it) and brings model and room up to date with
 * each other; releasing leaves the room once unsubscribed and drops the
 * document after the unload delay once nothing holds it. A discarded room
 * is loaded again; a room whose read rule now denies the document is left.
 */
import * as Y from 'yjs';
import type { DocEntry } from '../model/documents/doc-entry.ts';
import type { Model } from '../model/model.ts';
import { holdingsOf, type DocRef, type Holdings, type HoldMode } from '../model/documents/sync-port.ts';
import { docName } from '../protocol/doc-name.ts';
import { isEmptyUpdate } from '../protocol/sync-payload.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import type { InProcessOptions } from './in-process-options.ts';
import type { InProcessWrites } from './in-process-writes.ts';
import type { ReadGate } from './read-gate.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import { whenReadable } from './when-readable.ts';

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

/** What the holds need of their in-process model. */
export interface InProcessHoldsParts {
  readonly model: Model;
  readonly options: InProcessOptions;
  /** What joins the rooms (the model's sync port). */
  readonly peer: RoomPeer;
  /** With a session: the read rules over what rooms send (null: trusted). */
  readonly gate: ReadGate | null;
  readonly writes: InProcessWrites;
  /** The origin the rooms' updates are applied to the model with (never written back). */
  readonly roomOrigin: unknown;
  readonly closed: () => boolean;
  /** Emits the model's `error` event at a room's document. */
  readonly emitError: (room: Room, error: Error) => void;
  /** A document was joined again after its room was lost (presence rejoins). */
  readonly rejoined: (name: string) => void;
}

/** The documents an in-process model holds, and the rooms it joined for them. */
export class InProcessHolds {
  readonly #parts: InProcessHoldsParts;
  readonly #holds = new Map<string, Hold>();

  constructor(parts: InProcessHoldsParts) {
    this.#parts = parts;
  }

  /** The room joined for a document (null when not subscribed to it). */
  roomOf(name: string): Room | null {
    return this.#holds.get(name)?.room ?? null;
  }

  /** Holds a document once more; resolves once it is in the model (rejects when refused or failed). */
  hold(ref: DocRef, mode: HoldMode): Promise<void> {
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
    this.#parts.model.store.ensureEntry(ref.collection, ref.id);
    if (mode === 'subscribe' && hold.room === null && !this.#parts.options.fetchOnly) hold.loading = this.#load(hold, true);
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
    const { model, options } = this.#parts;
    const { registry, guard } = options;
    const room = await registry.open(hold.name, hold.ref);
    const entry = model.store.entry(hold.ref.collection, hold.ref.id);
    if (this.#parts.closed() || !entry || this.#holds.get(hold.name) !== hold) return;
    const load = (): void => this.#loadFrom(room, hold, entry, join);
    const denied = guard ? await whenReadable(guard.access, registry, guard.session, room, load) : (load(), null);
    if (denied) {
      throw new AccessRefusedError({ code: 'forbidden', message: `reading ${hold.ref.collection}.${hold.ref.id}: ${denied}` });
    }
  }

  /** Joins the room when subscribing and brings model and room up to date with each other (one synchronous step). */
  #loadFrom(room: Room, hold: Hold, entry: DocEntry, join: boolean): void {
    const { model, options, gate, writes } = this.#parts;
    const { registry } = options;
    if (this.#parts.closed() || this.#holds.get(hold.name) !== hold || model.store.entry(hold.ref.collection, hold.ref.id) !== entry) return;
    if (join && hold.subscribes > 0 && hold.room === null) {
      gate?.admit(room);
      registry.join(room, this.#parts.peer);
      hold.room = room;
    } else {
      registry.touch(room);
    }
    if (entry.ydoc.store.clients.size === 0) {
      model.store.load(hold.ref.collection, hold.ref.id, room.diff());
    } else {
      Y.applyUpdate(entry.ydoc, room.diff(Y.encodeStateVector(entry.ydoc)), this.#parts.roomOrigin);
      const missing = Y.encodeStateAsUpdate(entry.ydoc, room.stateVector());
      if (!isEmptyUpdate(missing)) writes.store(hold.ref.collection, hold.ref.id, missing, entry.ydoc);
      model.store.markLoaded(hold.ref.collection, hold.ref.id);
    }
  }

  /** The read rule now denies a subscribed document: leave its room (the data stays as last received) and emit `error`. */
  revoke(room: Room, reason: string): void {
    const hold = this.#holds.get(room.name);
    if (this.#parts.closed() || !hold || hold.room !== room) return;
    this.#parts.options.registry.leave(room, this.#parts.peer);
    hold.room = null;
    hold.loading = null;
    const message = `${room.key.collection}.${room.key.id} is no longer readable, unsubscribed: ${reason}`;
    this.#parts.emitError(room, new AccessRefusedError({ code: 'forbidden', message }));
  }

  /** A joined room was discarded: load the document again while subscribed. */
  roomLost(room: Room): void {
    const hold = this.#holds.get(room.name);
    if (!hold || hold.room !== room) return;
    hold.room = null;
    if (hold.subscribes > 0 && !this.#parts.closed()) {
      hold.loading = this.#load(hold, true);
      const loading = hold.loading;
      loading.then(
        () => this.#parts.rejoined(room.name),
        (error: unknown) => {
          if (hold.loading === loading) hold.loading = null;
          if (error instanceof AccessRefusedError) this.#parts.emitError(room, error);
          else this.#parts.options.log('error', `in-process model: reloading ${room.name} failed (${String(error)})`);
        },
      );
    }
  }

  /** Releases one hold of each document. */
  release(refs: readonly DocRef[], mode: HoldMode): void {
    for (const ref of refs) {
      const hold = this.#holds.get(docName(ref.collection, ref.id));
      if (!hold) continue;
      if (mode === 'subscribe') hold.subscribes = Math.max(0, hold.subscribes - 1);
      else hold.fetches = Math.max(0, hold.fetches - 1);
      this.#settle(hold);
    }
  }

  /** Releases every hold. */
  releaseAll(): void {
    for (const hold of this.#holds.values()) {
      hold.subscribes = 0;
      hold.fetches = 0;
      this.#settle(hold);
    }
  }

  /** Leaves the room once unsubscribed; drops the document after the unload delay once nothing holds it. */
  #settle(hold: Hold): void {
    const { model, options, gate, writes } = this.#parts;
    if (hold.subscribes === 0 && hold.room) {
      options.registry.leave(hold.room, this.#parts.peer);
      gate?.forget(hold.name);
      hold.room = null;
      hold.loading = null;
    }
    if (hold.subscribes > 0 || hold.fetches > 0 || hold.timer !== null || this.#parts.closed()) return;
    hold.timer = setTimeout(() => {
      hold.timer = null;
      if (hold.subscribes > 0 || hold.fetches > 0 || this.#parts.closed()) return;
      if (writes.has(hold.name)) {
        this.#settle(hold);
        return;
      }
      this.#holds.delete(hold.name);
      model.store.unload(hold.ref.collection, hold.ref.id);
    }, options.unloadDelayMs);
    hold.timer.unref?.();
  }

  /** What the model holds (documents whose last load was refused left out). */
  holdings(): Holdings {
    return holdingsOf([...this.#holds.values()].filter((hold) => !hold.refused));
  }

  /** Stops the unload timers and leaves every room joined (the model closes). */
  close(): void {
    for (const hold of this.#holds.values()) {
      if (hold.timer !== null) clearTimeout(hold.timer);
      if (hold.room) this.#parts.options.registry.leave(hold.room, this.#parts.peer);
    }
    this.#holds.clear();
  }
}
