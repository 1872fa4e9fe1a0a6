/**
 * `RoomVersions`: which stored versions of a document a room has applied.
 *
 * Every stored update has a per-document version (storage.ts). A room
 * applies its own appends as it makes them, and other processes' updates as
 * the fan-out announces them, so it may hold versions out of order: 1..7,
 * then 9 (its own), while 8 (another process's) is on its way. `version` is
 * the highest version up to which every update is applied (7 here): what
 * the room may compact through, save JSON as of, and expect when it appends
 * a checked write. Announced updates that arrive before the ones they follow
 * wait here until the gap closes (by a later announcement, or by reading
 * storage: `Room.catchUp`).
 */

/** An update another process stored, waiting for the versions before it. */
export interface Announced {
  readonly first: number;
  readonly last: number;
  readonly update: Uint8Array;
}

/** Most announced updates kept while a gap is open; past it the room reads storage instead. */
const MAX_WAITING = 256;

/** The applied versions of one room's document. */
export class RoomVersions {
  #version = 0;
  /** Ranges applied beyond `version + 1` (first -> last). */
  readonly #ahead = new Map<number, number>();
  /** Announced updates not applied yet, by first version. */
  readonly #waiting = new Map<number, Announced>();

  /** Every update through this version is applied. */
  get version(): number {
    return this.#version;
  }

  /** True while some version below an applied or announced one is missing. */
  get gap(): boolean {
    return this.#ahead.size > 0 || this.#waiting.size > 0;
  }

  /** Every update through `version` is applied (a load, or a read from storage). */
  reached(version: number): void {
    if (version > this.#version) this.#version = version;
    this.#settle();
  }

  /** Versions `first..last` are applied (the room's own append). */
  applied(first: number, last: number): void {
    if (last <= this.#version) return;
    if (first <= this.#version + 1) this.reached(last);
    else this.#ahead.set(first, Math.max(last, this.#ahead.get(first) ?? 0));
  }

  /**
   * Takes an announcement: returns it when it can be applied now (it
   * follows `version`; call `applied` after applying it), null when it is
   * already applied or must wait for earlier versions (then `gap` is true).
   */
  announce(announced: Announced): Announced | null {
    if (announced.last <= this.#version) return null;
    if (announced.first <= this.#version + 1) return announced;
    if (this.#waiting.size < MAX_WAITING) this.#waiting.set(announced.first, announced);
    return null;
  }

  /** The waiting announcement that can be applied now, if any (call after every advance). */
  next(): Announced | null {
    for (const [first, announced] of this.#waiting) {
      if (announced.last <= this.#version) {
        this.#waiting.delete(first);
        continue;
      }
      if (first <= this.#version + 1) {
        this.#waiting.delete(first);
        return announced;
      }
    }
    return null;
  }

  #settle(): void {
    let moved = true;
    while (moved) {
      moved = false;
      for (const [first, last] of this.#ahead) {
        if (first > this.#version + 1) continue;
        this.#ahead.delete(first);
        if (last > this.#version) this.#version = last;
        moved = true;
      }
    }
    for (const [first, announced] of this.#waiting) if (announced.last <= this.#version) this.#waiting.delete(first);
  }
}
