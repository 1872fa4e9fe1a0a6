/**
 * The rooms a server holds in memory. A room is created (and its document
 * loaded) on the first request for it, and unloaded once no peer has used it
 * for the idle delay; a request during unloading waits and gets a fresh room.
 */
import type { StorageKey } from '../storage/storage-key.ts';
import type { RoomSettings } from './room-settings.ts';
import { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';

/** Called when a room is created (before its document loads) and when it is removed. */
export interface RoomLifecycle {
  readonly opened?: (room: Room) => void;
  readonly closed?: (room: Room) => void;
}

/** Loads rooms on demand and unloads idle ones. */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #closing = new Map<string, Promise<void>>();
  readonly #idle = new Map<Room, ReturnType<typeof setTimeout>>();
  /** Rooms kept loaded while a check about them runs (count per room). */
  readonly #pins = new Map<Room, number>();
  readonly #settings: RoomSettings<Room>;
  readonly #unloadDelayMs: number;
  #shutDown = false;
  readonly #lifecycle: RoomLifecycle;

  constructor(settings: RoomSettings<Room>, unloadDelayMs: number, lifecycle: RoomLifecycle = {}) {
    this.#settings = { ...settings, onDamaged: (room) => void this.#discard(room) };
    this.#unloadDelayMs = unloadDelayMs;
    this.#lifecycle = lifecycle;
  }

  /** The room of a document when it is in memory (loaded or loading). */
  get(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** Every room in memory. */
  all(): IterableIterator<Room> {
    return this.#rooms.values();
  }

  /** Number of rooms in memory. */
  get size(): number {
    return this.#rooms.size;
  }

  /** How many clients have a presence state, over every room in memory (for the metrics). */
  presenceStates(): number {
    let states = 0;
    for (const room of this.#rooms.values()) states += room.presenceStates;
    return states;
  }

  /** The loaded room of a document (loading it when needed). */
  async open(name: string, key: StorageKey): Promise<Room> {
    if (this.#shutDown) throw new Error('yracer: the server is closing');
    for (;;) {
      const closing = this.#closing.get(name);
      if (!closing) break;
      await closing;
    }
    let room = this.#rooms.get(name);
    if (!room) {
      const created = new Room(name, key, this.#settings);
      room = created;
      this.#rooms.set(name, created);
      this.#lifecycle.opened?.(created);
      // The idle clock starts once loaded: a slow load must not unload the room under a waiting request.
      created.ready.then(
        () => {
          if (created.peers.size === 0 && this.#rooms.get(name) === created) this.#scheduleIdle(created);
        },
        () => {
          if (this.#rooms.get(name) !== created) return;
          this.#rooms.delete(name);
          this.#lifecycle.closed?.(created);
        },
      );
    }
    await room.ready;
    // Discarded or unloaded while we waited: open a fresh one (unless the server is closing).
    if (this.#rooms.get(name) !== room) return this.open(name, key);
    return room;
  }

  #discard(room: Room): Promise<void> {
    if (this.#rooms.get(room.name) !== room) return Promise.resolve();
    this.#rooms.delete(room.name);
    this.#lifecycle.closed?.(room);
    this.#cancelIdle(room);
    this.#settings.log('warn', `room ${room.name}: discarded after an update damaged it; it reloads from storage`);
    const closing = room.discard().finally(() => this.#closing.delete(room.name));
    this.#closing.set(room.name, closing);
    return closing;
  }

  /** The rooms in memory whose documents belong to a collection. */
  roomsOf(collection: string): Room[] {
    return [...this.#rooms.values()].filter((room) => room.key.collection === collection);
  }

  /** Adds a peer to a room (cancelling its unload). */
  join(room: Room, peer: RoomPeer): void {
    this.#cancelIdle(room);
    room.add(peer);
  }

  /** Removes a peer; the room unloads after the idle delay if nobody is left. */
  leave(room: Room, peer: RoomPeer): void {
    if (room.remove(peer)) this.#scheduleIdle(room);
  }

  /**
   * Runs `task` with the room kept loaded (its unload waits until the task
   * settles), so a slow check (an async read rule) cannot see the room
   * unload under it.
   */
  async pinned<T>(room: Room, task: () => Promise<T>): Promise<T> {
    this.#pins.set(room, (this.#pins.get(room) ?? 0) + 1);
    try {
      return await task();
    } finally {
      const left = (this.#pins.get(room) ?? 1) - 1;
      if (left > 0) {
        this.#pins.set(room, left);
      } else {
        this.#pins.delete(room);
        this.touch(room);
      }
    }
  }

  /** Marks a room as used without a peer (e.g. a write without subscription). */
  touch(room: Room): void {
    if (room.peers.size === 0) this.#scheduleIdle(room);
  }

  #cancelIdle(room: Room): void {
    const timer = this.#idle.get(room);
    if (timer !== undefined) clearTimeout(timer);
    this.#idle.delete(room);
  }

  #scheduleIdle(room: Room): void {
    this.#cancelIdle(room);
    const timer = setTimeout(() => {
      this.#idle.delete(room);
      // A pinned room is touched again when its last pin goes.
      if (room.peers.size === 0 && !this.#pins.has(room)) void this.#unload(room);
    }, this.#unloadDelayMs);
    timer.unref?.();
    this.#idle.set(room, timer);
  }

  #unload(room: Room): Promise<void> {
    if (this.#rooms.get(room.name) !== room) return Promise.resolve();
    this.#rooms.delete(room.name);
    this.#lifecycle.closed?.(room);
    const closing = room
      .close()
      .catch((error: unknown) => this.#settings.log('error', `room ${room.name}: unloading failed (${String(error)})`))
      .finally(() => this.#closing.delete(room.name));
    this.#closing.set(room.name, closing);
    return closing;
  }

  /** Unloads every room (storing what is pending). */
  async closeAll(): Promise<void> {
    this.#shutDown = true;
    for (const timer of this.#idle.values()) clearTimeout(timer);
    this.#idle.clear();
    await Promise.all([...this.#rooms.values()].map((room) => this.#unload(room)));
    await Promise.all([...this.#closing.values()]);
  }
}
