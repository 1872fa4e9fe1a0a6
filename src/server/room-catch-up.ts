/**
 * `RoomCatchUp`: how a room applies what other server processes stored.
 * An announced update is applied at once when it follows the versions the
 * document holds, otherwise once the ones before it are; a gap that stays
 * open for `gapWaitMs` is read from storage (`catchUp`, also called on a
 * lost announcement or a fan-out reconnect). Calls made while a read runs
 * share one more read after it.
 */
import type * as Y from 'yjs';
import type { StorageKey } from '../storage/storage.ts';
import type { RoomSettings } from './room-settings.ts';
import type { Announced, RoomVersions } from './room-versions.ts';

/** What the store (and its catch-up) needs from its room. */
export interface StoredRoom {
  readonly name: string;
  readonly key: StorageKey;
  readonly doc: Y.Doc;
  /** Settles once the stored state is applied. */
  readonly ready: Promise<void>;
  /** True once the room was closed or discarded. */
  closed(): boolean;
  /** True once an update damaged the document (nothing derived from it is stored then). */
  damaged(): boolean;
  /** The document's JSON value (undefined when it does not exist). */
  value(): unknown;
  /** Applies an update another process stored (broadcast, not stored again). */
  applyRemote(update: Uint8Array): void;
}

/** Applies other processes' stored updates to one room, in version order. */
export class RoomCatchUp {
  readonly #room: StoredRoom;
  readonly #settings: RoomSettings;
  /** The versions the document holds (shared with the room's store). */
  readonly #versions: RoomVersions;
  /** True once the stored document was applied. */
  readonly #loaded: () => boolean;
  /** The running read of what other processes stored (`catchUp`), and whether another is wanted after it. */
  #catching: Promise<void> | null = null;
  #catchAgain = false;
  #gapTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(room: StoredRoom, settings: RoomSettings, versions: RoomVersions, loaded: () => boolean) {
    this.#room = room;
    this.#settings = settings;
    this.#versions = versions;
    this.#loaded = loaded;
  }

  /** See `Room.receiveAnnounced`. */
  receiveAnnounced(announced: Announced): void {
    if (this.#room.closed()) return;
    if (!this.#loaded()) {
      this.#room.ready.then(
        () => this.receiveAnnounced(announced),
        () => undefined,
      );
      return;
    }
    let next = this.#versions.announce(announced);
    while (next && !this.#room.closed()) {
      this.#room.applyRemote(next.update);
      this.#versions.applied(next.first, next.last);
      next = this.#versions.next();
    }
    if (this.#versions.gap) this.watchGap();
  }

  /** Reads storage when the gap in the versions is still open after `gapWaitMs` (one timer at a time). */
  watchGap(): void {
    if (this.#gapTimer !== null || this.#stopped) return;
    this.#gapTimer = setTimeout(() => {
      this.#gapTimer = null;
      if (this.#versions.gap) void this.catchUp();
    }, this.#settings.gapWaitMs ?? 20);
    this.#gapTimer.unref?.();
  }

  /** See `Room.catchUp`. */
  catchUp(): Promise<void> {
    if (this.#catching) {
      this.#catchAgain = true;
      return this.#catching;
    }
    const room = this.#room;
    const run = async (): Promise<void> => {
      do {
        this.#catchAgain = false;
        await room.ready;
        if (room.closed()) return;
        const read = await this.#settings.storage.readSince(room.key, this.#versions.version);
        if (room.closed()) return;
        for (const part of read.state ? [read.state, ...read.updates] : read.updates) room.applyRemote(part);
        this.#versions.reached(read.version);
        for (let next = this.#versions.next(); next; next = this.#versions.next()) {
          room.applyRemote(next.update);
          this.#versions.applied(next.first, next.last);
        }
      } while (this.#catchAgain && !room.closed());
      if (this.#versions.gap) this.watchGap();
    };
    this.#catching = run()
      .catch((error: unknown) => this.#settings.log('error', `room ${room.name}: reading newer updates failed (${String(error)})`))
      .finally(() => {
        this.#catching = null;
      });
    return this.#catching;
  }

  /** Stops the gap timer (the room is closing). */
  stop(): void {
    this.#stopped = true;
    if (this.#gapTimer !== null) clearTimeout(this.#gapTimer);
    this.#gapTimer = null;
  }
}
