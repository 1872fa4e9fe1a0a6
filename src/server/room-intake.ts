/**
 * `RoomIntake`: how updates get into a room's document and out to its
 * peers. It applies the stored state on load, peers' checked updates,
 * updates other processes stored, and stock clients' refused updates
 * (applied and reverted in one step, `applyReverted`). It routes the
 * document's update events: what changed goes to every peer but the one it
 * came from, and what the server itself changed (in-process models) is
 * stored as well. An update that fails half-way leaves the room damaged.
 */
import * as Y from 'yjs';
import { updatePayload } from '../protocol/sync-payload.ts';
import type { StoredDocument } from '../storage/storage.ts';
import { jsonEqual } from '../query/compare-values.ts';
import { applyReverted } from './apply-reverted.ts';
import type { RoomSettings } from './room-settings.ts';
import { BadUpdateError } from './bad-update-error.ts';
import type { PeerRoom, RoomPeer } from './room-peer.ts';
import type { RoomStore } from './room-store.ts';
import { updateProblem } from './update-check.ts';

/** Origin of transactions that load stored state (not broadcast, not stored again). */
export const LOAD_ORIGIN: unique symbol = Symbol('yracer-server:load');

/** Origin of transactions that apply what other processes stored (broadcast, not stored again). */
export const REMOTE_ORIGIN: unique symbol = Symbol('yracer-server:remote');

/** What the intake needs of its room (a `Room`). */
export interface IntakeRoom extends PeerRoom {
  readonly doc: Y.Doc;
  readonly peers: ReadonlySet<RoomPeer>;
  /** The document's JSON value. */
  value(): unknown;
}

/** Applies updates to one room's document and broadcasts what they changed; `R` is the room type (`Room`). */
export class RoomIntake<R extends IntakeRoom> {
  readonly #room: R;
  readonly #settings: RoomSettings<R>;
  readonly #store: () => RoomStore;
  /** While an update is being applied: the document's own updates, sent once it is in. */
  #receiving: { emitted: Uint8Array[] } | null = null;
  #damaged = false;

  /** Listens to `room`'s document; `store` is the room's store (created after the intake). */
  constructor(room: R, settings: RoomSettings<R>, store: () => RoomStore) {
    this.#room = room;
    this.#settings = settings;
    this.#store = store;
    room.doc.on('update', (update: Uint8Array, origin: unknown) => this.#onUpdate(update, origin));
  }

  /** True once an update failed half-way, or the room was discarded: nothing derived from the document may be stored. */
  get damaged(): boolean {
    return this.#damaged;
  }

  /** Marks the document as not to be trusted (without telling the room). */
  markDamaged(): void {
    this.#damaged = true;
  }

  /** Applies the stored state and updates, skipping (and logging) any that cannot be applied. */
  applyStored(stored: StoredDocument): void {
    const parts = stored.state ? [stored.state, ...stored.updates] : [...stored.updates];
    for (const part of parts) {
      try {
        Y.applyUpdate(this.#room.doc, part, LOAD_ORIGIN);
      } catch (error) {
        this.#settings.log('error', `room ${this.#room.name}: a stored update could not be applied (${String(error)}); skipped`);
      }
    }
  }

  #onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === LOAD_ORIGIN) return;
    if (this.#receiving) {
      this.#receiving.emitted.push(update);
      return;
    }
    this.#broadcast(update, origin);
    // Changes made on the server itself (in-process models) are stored here; peers' updates by the room's receive().
    if (!this.#isPeer(origin) && origin !== REMOTE_ORIGIN) void this.#store().append(update).catch(() => undefined);
  }

  #isPeer(origin: unknown): boolean {
    return typeof origin === 'object' && origin !== null && this.#room.peers.has(origin as RoomPeer);
  }

  #broadcast(update: Uint8Array, origin: unknown): void {
    if (origin === REMOTE_ORIGIN) this.#store().markJsonBehind();
    else this.#store().markJsonDirty();
    this.#settings.onChange?.(this.#room, origin);
    if (this.#room.peers.size === 0) return;
    const payload = updatePayload(update);
    for (const peer of this.#room.peers) if (peer !== origin) peer.sendPayload(this.#room, payload);
  }

  /** Applies a checked update to the document and sends what it changed to the other peers. */
  integrate(update: Uint8Array, from: RoomPeer): void {
    const receiving = { emitted: [] as Uint8Array[] };
    this.#receiving = receiving;
    try {
      Y.applyUpdate(this.#room.doc, update, from);
    } catch (error) {
      // Part of it may be in the document now: drop this copy (nothing was stored or sent); peers resubscribe.
      this.#fail();
      throw new BadUpdateError(`the update cannot be applied: ${String(error)}`);
    } finally {
      this.#receiving = null;
    }
    for (const emitted of receiving.emitted) this.#broadcast(emitted, from);
  }

  /** Applies an update another process stored (sent to every peer, not stored again); a failure damages the room. */
  applyRemote(update: Uint8Array): void {
    try {
      Y.applyUpdate(this.#room.doc, update, REMOTE_ORIGIN);
    } catch (error) {
      this.#settings.log('error', `room ${this.#room.name}: an update from storage could not be applied (${String(error)})`);
      this.#fail();
    }
  }

  /**
   * Applies a stock client's refused update and reverts it in one step
   * (`applyReverted`) and sends the net result to every peer, the sender
   * included. Returns that result for storing, or null when it is empty.
   * Throws `BadUpdateError` when the update cannot be integrated at all.
   */
  revert(update: Uint8Array): Uint8Array | null {
    const problem = updateProblem(this.#room.doc, update);
    if (problem?.kind === 'structure') throw new BadUpdateError(problem.message);
    const before = this.#room.value();
    // The two transactions' own updates are not sent: the net result is.
    this.#receiving = { emitted: [] };
    let net: Uint8Array;
    try {
      net = applyReverted(this.#room.doc, update);
    } catch (error) {
      this.#fail();
      throw new BadUpdateError(`the update cannot be applied: ${String(error)}`);
    } finally {
      this.#receiving = null;
    }
    const meta = Y.parseUpdateMeta(net);
    if (meta.to.size === 0 && Y.decodeUpdate(net).ds.clients.size === 0) return null;
    this.#broadcast(net, null);
    if (!jsonEqual(this.#room.value(), before)) {
      this.#settings.log('error', `room ${this.#room.name}: reverting a refused update changed the value`);
    }
    return net;
  }

  #fail(): void {
    this.#damaged = true;
    this.#settings.onDamaged?.(this.#room);
  }
}
