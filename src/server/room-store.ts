/**
 * `RoomStore`: the storage side of a room. It appends the room's updates in
 * order (an acknowledgement waits for its append), records which stored
 * versions the document holds (`RoomVersions`), applies what other
 * processes stored (announced, or read from storage on a gap: `catchUp`,
 * room-catch-up.ts),
 * keeps the stored JSON value current (debounced) and compacts the update
 * log by count and by time. Every storage step runs after the previous one.
 */
import * as Y from 'yjs';
import { VersionConflictError, type StoredDocument } from '../storage/storage.ts';
import { RoomCatchUp, type StoredRoom } from './room-catch-up.ts';
import { RoomVersions, type Announced } from './room-versions.ts';
import type { RoomSettings } from './room-settings.ts';
import type { StoredWrite } from './stored-write.ts';

/** The storage side of one room. */
export class RoomStore {
  readonly #room: StoredRoom;
  readonly #settings: RoomSettings;
  /** Announces the room's own stored updates and JSON values (bound to the room by its owner). */
  readonly #onStored: (announced: Announced, writes: readonly StoredWrite[]) => void;
  readonly #onJsonSaved: (json: string | null, version: number) => void;
  #chain: Promise<void> = Promise.resolve();
  readonly #versions = new RoomVersions();
  #loaded = false;
  /** Applies what other processes stored (announced, or read on a gap). */
  readonly #catchUp: RoomCatchUp;
  #sinceCompaction = 0;
  #compactTimer: ReturnType<typeof setTimeout> | null = null;
  #jsonTimer: ReturnType<typeof setTimeout> | null = null;
  #jsonDirty = false;
  /** Another process's change is in the document: its JSON is saved when asked (`saveJson`), not on a timer (that process saves it). */
  #jsonBehind = false;
  #stopped = false;
  /** Updates this room appended (a room that only loaded never compacts while closing). */
  #appended = 0;
  /** True while a storage write is being retried (logged once per outage). */
  #retrying = false;
  /** Updates waiting for the room's next append step, with their promises' callbacks. */
  #batch: Array<{
    readonly update: Uint8Array;
    readonly write: StoredWrite | undefined;
    readonly resolve: () => void;
    readonly reject: (error: unknown) => void;
  }> | null = null;

  constructor(room: StoredRoom, settings: RoomSettings, onStored: (announced: Announced, writes: readonly StoredWrite[]) => void, onJsonSaved: (json: string | null, version: number) => void) {
    this.#room = room;
    this.#settings = settings;
    this.#onStored = onStored;
    this.#onJsonSaved = onJsonSaved;
    this.#catchUp = new RoomCatchUp(room, settings, this.#versions, () => this.#loaded);
  }

  /**
   * The store of `owner` (a `Room`; `room` is what the store needs of it):
   * it tells `settings.onStored`, the change hooks (`settings.writes`) and
   * `settings.onJsonSaved` what it stored.
   */
  static forRoom<R>(owner: R, room: StoredRoom, settings: RoomSettings<R>): RoomStore {
    const { key } = room;
    return new RoomStore(
      room,
      settings,
      (announced, writes) => {
        settings.onStored?.(owner, announced);
        if (writes.length > 0) settings.writes?.stored(key.collection, key.id, announced.first, announced.last, writes);
      },
      (json, version) => settings.onJsonSaved?.(owner, json, version),
    );
  }

  /** Every stored update through this version is applied to the document. */
  get version(): number {
    return this.#versions.version;
  }

  /** Settles after every storage step queued so far. */
  get idle(): Promise<void> {
    return this.#chain;
  }

  /** True when this room appended anything since it loaded. */
  get appended(): boolean {
    return this.#appended > 0;
  }

  /** The stored document was applied: its version is held. */
  loaded(stored: StoredDocument): void {
    this.#versions.reached(stored.version);
    this.#loaded = true;
    this.#sinceCompaction = stored.updates.length;
    if (this.#sinceCompaction > 0 && !this.#stopped) this.#scheduleCompaction();
  }

  /**
   * Runs a storage step after every earlier one, in order. The returned
   * promise rejects when the step fails; the chain itself logs the failure and
   * goes on with the next step.
   */
  #enqueue(step: () => Promise<void>, failure: string): Promise<void> {
    const done = this.#chain.then(step);
    this.#chain = done.catch((error: unknown) => {
      this.#settings.log('error', `room ${this.#room.name}: ${failure} (${String(error)})`);
    });
    return done;
  }

  /**
   * Runs a storage write, trying again with backoff for up to
   * `storageRetryMs` when it fails (storage unreachable for a while); a
   * version conflict, a closed room or the end of that time rejects.
   */
  async #retried<T>(write: () => Promise<T>): Promise<T> {
    const limit = this.#settings.storageRetryMs ?? 0;
    const deadline = Date.now() + limit;
    for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
      try {
        const result = await write();
        if (this.#retrying) this.#settings.log('info', `room ${this.#room.name}: storage works again`);
        this.#retrying = false;
        return result;
      } catch (error) {
        if (error instanceof VersionConflictError || this.#stopped || Date.now() + delay > deadline) throw error;
        if (!this.#retrying) this.#settings.log('warn', `room ${this.#room.name}: storing failed (${String(error)}); trying again for up to ${Math.round(limit / 1000)} s`);
        this.#retrying = true;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Appends an update applied to the document; resolves once stored (and
   * every earlier one). Updates that come while the room's previous storage
   * step runs wait for the next one and go to storage together, in one
   * `append` (a hot document is not limited to one commit per update).
   * `write` describes it for the change hooks (when they listen).
   */
  append(update: Uint8Array, write?: StoredWrite): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiting = this.#batch;
      if (waiting) {
        waiting.push({ update, write, resolve, reject });
        return;
      }
      const batch = [{ update, write, resolve, reject }];
      this.#batch = batch;
      void this.#enqueue(async () => {
        this.#batch = null;
        const updates = batch.map((entry) => entry.update);
        try {
          const last = await this.#retried(() => this.#settings.storage.append(this.#room.key, updates));
          const writes = batch.flatMap((entry) => (entry.write ? [entry.write] : []));
          this.stored(last - updates.length + 1, last, updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates), writes);
        } catch (error) {
          for (const entry of batch) entry.reject(error);
          throw error;
        }
        for (const entry of batch) entry.resolve();
      }, 'storage append failed').catch(() => undefined);
    });
  }

  /**
   * Appends an update not applied yet, at the version after `expectVersion`,
   * after every earlier storage step; resolves to its version (apply it, then
   * call `stored`). Rejects with `VersionConflictError` when another writer
   * stored first; nothing was stored then.
   */
  appendAt(update: Uint8Array, expectVersion: number): Promise<number> {
    const stored = this.#chain.then(() => this.#retried(() => this.#settings.storage.append(this.#room.key, [update], { expectVersion })));
    this.#chain = stored.then(
      () => undefined,
      () => undefined,
    );
    return stored;
  }

  /** The room stored updates of its own at versions `first..last` (and applied them; `update` is them merged; `writes` describe them). */
  stored(first: number, last: number, update: Uint8Array, writes: readonly StoredWrite[] = []): void {
    this.#versions.applied(first, last);
    this.#sinceCompaction += last - first + 1;
    this.#appended += last - first + 1;
    this.#onStored({ first, last, update }, writes);
    if (this.#versions.gap) this.#catchUp.watchGap();
    if (this.#sinceCompaction >= this.#settings.compactAfterUpdates) this.#compactSoon(0);
    else this.#scheduleCompaction();
  }

  /** See `Room.receiveAnnounced`. */
  receiveAnnounced(announced: Announced): void {
    this.#catchUp.receiveAnnounced(announced);
  }

  /** See `Room.catchUp`. */
  catchUp(): Promise<void> {
    return this.#catchUp.catchUp();
  }

  #scheduleCompaction(): void {
    if (this.#compactTimer === null) this.#compactSoon(this.#settings.compactAfterMs);
  }

  #compactSoon(delay: number): void {
    if (this.#stopped) return;
    if (this.#compactTimer !== null) clearTimeout(this.#compactTimer);
    this.#compactTimer = setTimeout(() => {
      this.#compactTimer = null;
      void this.compact();
    }, delay);
    this.#compactTimer.unref?.();
  }

  /** Merges the update log into one stored state, through the versions the document holds (in one storage transaction). */
  compact(): Promise<void> {
    void this.#enqueue(async () => {
      if (this.#sinceCompaction === 0 || this.#room.damaged()) return;
      const through = this.#versions.version;
      const count = this.#sinceCompaction;
      await this.#settings.storage.compact(this.#room.key, Y.encodeStateAsUpdate(this.#room.doc), through);
      this.#sinceCompaction -= count;
    }, 'compaction failed, keeping the log').catch(() => undefined);
    return this.#chain;
  }

  /**
   * Another process changed the document (and saves its JSON itself): the
   * value is saved here only when asked (`saveJson`: before this process's
   * live queries run again, when the room closes, or when that process
   * stopped before saving it).
   */
  markJsonBehind(): void {
    this.#jsonBehind = true;
  }

  /** The document changed: its JSON value is saved after the JSON delay. */
  markJsonDirty(): void {
    this.#jsonDirty = true;
    if (this.#jsonTimer !== null || this.#stopped) return;
    this.#jsonTimer = setTimeout(() => {
      this.#jsonTimer = null;
      void this.saveJson();
    }, this.#settings.jsonDelayFor?.(this.#room.key.collection) ?? this.#settings.jsonDelayMs);
    this.#jsonTimer.unref?.();
  }

  /** Writes the document's current JSON value to storage if it changed. */
  saveJson(): Promise<void> {
    if (!(this.#jsonDirty || this.#jsonBehind) || this.#room.damaged()) return this.#chain;
    this.#jsonDirty = false;
    this.#jsonBehind = false;
    let json: string | null;
    try {
      const value = this.#room.value();
      json = value === undefined ? null : JSON.stringify(value);
    } catch (error) {
      this.#settings.log('error', `room ${this.#room.name}: its JSON value cannot be built (${String(error)}); not saved`);
      return this.#chain;
    }
    // Every update through the versions applied now is in this value (it may hold later ones too).
    const version = this.#versions.version;
    const save = (): Promise<void> => {
      void this.#enqueue(async () => {
        await this.#settings.storage.saveJson(this.#room.key, json, version);
        this.#onJsonSaved(json, version);
      }, 'saving JSON failed').catch(() => undefined);
      return this.#chain;
    };
    // With a change feed, the changes this value reflects are recorded first (without holding up the room's appends).
    const before = this.#settings.beforeJsonSave;
    return before ? before().then(save) : save();
  }

  /** Stops every timer (the room is closing; its last steps are called directly). */
  stop(): void {
    this.#stopped = true;
    for (const timer of [this.#compactTimer, this.#jsonTimer]) if (timer !== null) clearTimeout(timer);
    this.#compactTimer = null;
    this.#jsonTimer = null;
    this.#catchUp.stop();
  }
}
