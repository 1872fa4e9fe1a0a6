/**
 * A room: one loaded document on the server, with everyone subscribed to it.
 *
 * It loads the document from storage before anything else may read it,
 * applies updates from peers (validated first, broadcast only once applied:
 * room-writes.ts, room-intake.ts), appends each update to storage in order (an
 * acknowledgement waits for its append; room-store.ts), keeps the stored JSON
 * value current (debounced), compacts the update log by count and by time,
 * and holds presence (room-presence.ts).
 * When its last peer leaves it tells the registry, which unloads it after an
 * idle delay.
 */
import * as Y from 'yjs';
import { installYjsPatches } from '../model/mutations/yjs-patches.ts';
import type { StorageKey } from '../storage/storage-key.ts';
import type { RoomSettings } from './room-settings.ts';
import { RoomAwareness } from './room-awareness.ts';
import { RoomChecks } from './room-checks.ts';
import { RoomIntake } from './room-intake.ts';
import { RoomStore } from './room-store.ts';
import type { RoomPeer } from './room-peer.ts';
import type { Announced } from './room-versions.ts';
import { CachedValue } from './cached-value.ts';
import type { PresenceRefusal } from './room-presence.ts';
import type { Session } from './session.ts';
import { RoomWrites } from './room-writes.ts';

export { LOAD_ORIGIN, REMOTE_ORIGIN } from './room-intake.ts';

/** One loaded document and its peers. */
export class Room {
  readonly name: string;
  readonly key: StorageKey;
  readonly doc: Y.Doc;
  readonly peers = new Set<RoomPeer>();
  /** Resolves once the stored state is loaded (rejects when storage failed). */
  readonly ready: Promise<void>;
  /** Presence of the room (created when first used: most rooms never have any). */
  readonly #presence: RoomAwareness;
  readonly #settings: RoomSettings<Room>;
  /** Applies updates to the document and broadcasts them (room-intake.ts). */
  readonly #intake: RoomIntake<Room>;
  /** Peers' updates checked, integrated and stored (room-writes.ts). */
  readonly #writes: RoomWrites<Room>;
  /** Appends, versions, JSON and compaction (room-store.ts). */
  readonly #store: RoomStore;
  /** The document's value, kept incrementally from its first read on (most idle rooms are never read). */
  #values: CachedValue | null = null;
  /** One checked write at a time, and previews on a shadow copy (room-checks.ts). */
  readonly #checks: RoomChecks;
  #closed = false;
  /** Why peers' writes are refused (`invalid-document`): its schema migration failed (document-migration.ts); null when they are not. */
  readOnlyReason: string | null = null;

  constructor(name: string, key: StorageKey, settings: RoomSettings<Room>) {
    this.name = name;
    this.key = key;
    this.#settings = settings;
    installYjsPatches(); // rooms merge the runs their peers push, too
    this.doc = new Y.Doc({ gc: true, guid: name });
    this.#checks = new RoomChecks(this.doc);
    this.#intake = new RoomIntake<Room>(this, settings, () => this.#store);
    this.#writes = new RoomWrites<Room>(this, settings, this.#intake, () => this.#store, () => this.#closed);
    const loaded = this.#load();
    const { afterLoad } = settings;
    this.ready = afterLoad ? loaded.then(() => afterLoad(this)) : loaded; // migrated before anyone reads it; the store needs only the load
    this.#presence = RoomAwareness.forRoom(this, settings);
    const parts = { name, key, doc: this.doc, ready: loaded, closed: () => this.#closed, value: () => this.value() };
    this.#store = RoomStore.forRoom<Room>(this, { ...parts, damaged: () => this.#intake.damaged, applyRemote: (update) => this.#intake.applyRemote(update) }, settings);
  }

  async #load(): Promise<void> {
    const stored = await this.#settings.storage.load(this.key);
    // Applied even when closed meanwhile: close() waits for this, and its final steps need the full state.
    this.#intake.applyStored(stored);
    this.#store.loaded(stored);
  }

  /** True once the room was closed or discarded (its document is gone). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Applies an update from a peer and stores it; resolves once storage has it
   * (and every earlier update of this room). Throws `BadUpdateError`, having
   * kept and sent nothing, when the update cannot be decoded or applied.
   */
  receive(update: Uint8Array, from: RoomPeer): Promise<void> {
    return this.#writes.receive(update, from);
  }

  /** A checked write of `session` went into the room (see `RoomSettings.onWrite`). */
  wrote(session: Session): void {
    this.#settings.onWrite?.(this, session);
  }

  /** True when storage is shared with other processes (see `RoomSettings.shared`). */
  get shared(): boolean {
    return this.#settings.shared === true;
  }

  /** Settles once every storage step queued so far (appends of updates applied already, say) has run. */
  get storageIdle(): Promise<void> {
    return this.#store.idle;
  }

  /** Every stored update through this version is applied to the document. */
  get version(): number {
    return this.#store.version;
  }

  /**
   * Stores a checked update at the version after `expectVersion` (the one
   * it was checked against), after every earlier storage step of the room,
   * then applies it and sends it to the other peers; resolves once both are
   * done. Rejects with `VersionConflictError` when another writer stored
   * first: then nothing of the update was stored or applied (`catchUp`,
   * check it again, retry).
   */
  receiveAt(update: Uint8Array, from: RoomPeer, expectVersion: number): Promise<void> {
    return this.#writes.receiveAt(update, from, expectVersion);
  }

  /**
   * Applies an update another process stored at versions `first..last`, as
   * its fan-out message announced it: at once when it follows the versions
   * applied, otherwise once the ones before it are (read from storage after
   * `gapWaitMs` when they do not come). Applied updates go to every peer and
   * are not stored again.
   */
  receiveAnnounced(announced: Announced): void {
    this.#store.receiveAnnounced(announced);
  }

  /**
   * Reads what other processes stored after the versions applied and
   * applies it (a gap in the announcements, a lost last one, a fan-out
   * reconnect). Calls made while one runs share one more read after it.
   * Never rejects: a failed read is logged and retried by the next call.
   */
  catchUp(): Promise<void> {
    return this.#store.catchUp();
  }

  /**
   * Takes a refused update of a stock y-websocket client without keeping
   * any of its content (`applyReverted`): it is applied and reverted in one
   * step, so the value stays the same and its structs are kept only as
   * deleted ids, which later updates of that client build on. Every peer,
   * the sender included (which so returns to the server's value), gets the
   * result; resolves once it is stored. Throws `BadUpdateError` when the
   * update cannot be integrated at all. `from` is its sender (for the change hooks).
   */
  receiveReverted(update: Uint8Array, from?: RoomPeer): Promise<void> {
    return this.#writes.receiveReverted(update, from);
  }

  /**
   * The document's value before and after `update`, without applying it to
   * the document (on a shadow copy kept in step with it: `WritePreview`, in
   * proportion to the change). Throws `BadUpdateError` (with `integrable`
   * for content a document may not hold) when the update cannot be taken.
   * Call `previewRefused()` when the update is then not received.
   */
  preview(update: Uint8Array): { readonly before: unknown; readonly after: unknown } {
    if (this.#closed) throw new Error(`room ${this.name} is closed`);
    return this.#checks.preview(update);
  }

  /** The update last previewed will not be received: the shadow copy is rebuilt before the next preview. */
  previewRefused(): void {
    this.#checks.refused();
  }

  /**
   * Runs `step` after every earlier step given here has finished: a write's
   * check and its `receive` run with no other checked write in between.
   */
  exclusive<T>(step: () => Promise<T>): Promise<T> {
    return this.#checks.exclusive(step);
  }

  /** Merges the update log into one stored state (in one storage transaction). */
  compact(): Promise<void> {
    return this.#store.compact();
  }

  /** Writes the document's current JSON value to storage if it changed. */
  saveJson(): Promise<void> {
    return this.#store.saveJson();
  }

  /** The document's JSON value (undefined when it does not exist), rebuilt only where a change touched it. */
  value(): unknown {
    this.#values ??= new CachedValue(this.doc);
    return this.#values.value();
  }

  /** The update that brings a peer with this state vector up to date. */
  diff(stateVector?: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  /** This document's state vector. */
  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  /** Adds a peer; it will receive updates and awareness. */
  add(peer: RoomPeer): void {
    this.peers.add(peer);
  }

  /** Removes a peer and frees the awareness client ids it owned (room-presence.ts); returns true when no peer is left. */
  remove(peer: RoomPeer): boolean {
    this.peers.delete(peer);
    this.#presence.leave(peer);
    return this.peers.size === 0;
  }

  /**
   * Applies the entries of a peer's awareness update that it may send (its
   * own client ids, within the size limits; room-presence.ts) and relays
   * them to every peer, the sender included. Returns what was refused
   * (empty when everything was taken); throws `ProtocolError`, having
   * applied nothing, when the update cannot be read.
   */
  applyAwareness(update: Uint8Array, from: RoomPeer): readonly PresenceRefusal[] {
    return this.#presence.apply(update, from);
  }

  /**
   * Applies a presence change another server process relayed for its
   * clients (`remote-presences.ts`); an update that cannot be read is
   * ignored.
   */
  applyRemoteAwareness(process: string, update: Uint8Array): void {
    if (!this.#closed) this.#presence.applyRemote(process, update);
  }

  /** The awareness states of this process's own clients in the room (for another process that asks), or null. */
  localAwarenessState(): Uint8Array | null {
    return this.#presence.localState();
  }

  /** How many clients have a presence state in the room. */
  get presenceStates(): number {
    return this.#presence.size;
  }

  /** The awareness states of everyone in the room, as one update (null when there are none). */
  awarenessState(): Uint8Array | null {
    return this.#presence.state();
  }

  /** Drops a damaged room: lets earlier appends finish, stores nothing derived from the document, tells the peers. */
  async discard(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#intake.markDamaged();
    this.#store.stop();
    const peers = [...this.peers];
    this.peers.clear();
    for (const peer of peers) peer.roomLost(this);
    await this.#store.idle;
    this.#destroy();
  }

  /** Stores everything pending (appends, JSON, a final compaction) and releases the document. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#store.stop();
    try {
      await this.ready;
    } catch {
      this.#destroy();
      return;
    }
    await this.#store.saveJson();
    if (this.#store.appended) await this.#store.compact();
    else await this.#store.idle;
    this.#destroy();
  }

  /** Releases the presence, the shadow copy and the document. */
  #destroy(): void {
    this.#presence.destroy();
    this.#checks.destroy();
    this.doc.destroy();
  }
}
