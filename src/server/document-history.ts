/**
 * `DocumentHistory`: a server's document history (docs/history.md). It
 * counts the updates each room stores and the users whose checked writes
 * went in, takes a checkpoint (the document's JSON value, its version, the
 * time and those users) every `everyUpdates` updates or `everyMs` after the
 * first update since the last one, and answers listings and snapshots,
 * checked by the read rule when a session asks. Checkpoints are stored by
 * `storage.history`, beside the update log: compaction never drops them.
 */
import { docName, parseDocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { CheckpointInfo, HistoryStorage } from '../storage/history-storage.ts';
import type { Storage } from '../storage/storage.ts';
import type { StorageKey } from '../storage/storage-key.ts';
import type { AccessRules } from './access-rules.ts';
import { HistoryError } from './history-error.ts';
import type { ResolvedHistoryOptions } from './history-options.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Announced } from './room-versions.ts';
import type { Room } from './room.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';

/** What a document gathered since its last checkpoint. */
interface Pending {
  readonly key: StorageKey;
  count: number;
  readonly users: Set<string>;
  timer: ReturnType<typeof setTimeout> | null;
  /** The room that stored the updates (its value is read while it is open). */
  room: Room | null;
}

/** What `DocumentHistory` needs from its server. */
export interface DocumentHistoryContext {
  readonly options: ResolvedHistoryOptions;
  readonly storage: Storage;
  readonly log: ServerLog;
  readonly access: AccessRules;
}

/** A server's document history. */
export class DocumentHistory {
  readonly #context: DocumentHistoryContext;
  readonly #store: HistoryStorage;
  readonly #pending = new Map<string, Pending>();
  #registry: RoomRegistry | null = null;
  /** Every checkpoint write, in order (a later one of a document never lands before an earlier one). */
  #chain: Promise<void> = Promise.resolve();

  /** Throws a `TypeError` when the storage keeps no history (`storage.history`). */
  constructor(context: DocumentHistoryContext) {
    const store = context.storage.history;
    if (!store) throw new TypeError('yracer createServer(): history needs a storage that keeps checkpoints (storage.history); memoryStorage, sqliteStorage and postgresStorage do');
    this.#context = context;
    this.#store = store;
  }

  /** Binds the server's rooms (their current values answer read rules). */
  bind(registry: RoomRegistry): void {
    this.#registry = registry;
  }

  /** The room stored updates of its own (`RoomSettings.onStored`): counts them, and takes a checkpoint when one is due. */
  stored(room: Room, announced: Announced): void {
    const pending = this.#pendingOf(room);
    pending.room = room;
    pending.count += announced.last - announced.first + 1;
    if (pending.count >= this.#context.options.everyUpdates) {
      this.#take(room.name);
    } else if (pending.timer === null) {
      pending.timer = setTimeout(() => this.#take(room.name), this.#context.options.everyMs);
      pending.timer.unref?.();
    }
  }

  /** A checked write of `session` went into the room: its user is credited in the next checkpoint. */
  wrote(room: Room, session: Session): void {
    const user = this.#context.options.user(session);
    if (user !== undefined) this.#pendingOf(room).users.add(user);
  }

  #pendingOf(room: Room): Pending {
    let pending = this.#pending.get(room.name);
    if (!pending) {
      pending = { key: room.key, count: 0, users: new Set(), timer: null, room };
      this.#pending.set(room.name, pending);
    }
    return pending;
  }

  /** Takes the document's checkpoint now (from its room while open, else from storage's JSON) and forgets what it gathered. */
  #take(name: string): Promise<void> {
    const pending = this.#pending.get(name);
    if (!pending || pending.count === 0) return this.#chain;
    this.#pending.delete(name);
    if (pending.timer !== null) clearTimeout(pending.timer);
    const { key, room } = pending;
    const users = [...pending.users];
    const time = Date.now();
    // Read now, while the room is open (its value holds every update through its version).
    let live: { readonly json: string | null; readonly version: number } | null = null;
    try {
      if (room && !room.closed) {
        const value = room.value();
        live = { json: value === undefined ? null : JSON.stringify(value), version: room.version };
      }
    } catch (error) {
      this.#context.log('error', `room ${name}: its value cannot be read for a checkpoint (${String(error)}); none taken`);
      return this.#chain;
    }
    const { storage, options, log } = this.#context;
    this.#chain = this.#chain
      .then(async () => {
        // A closed room saved its JSON while closing, as of its version.
        const taken = live ?? { json: await storage.loadJson(key), version: (await storage.heads([key]))[0] ?? 0 };
        await this.#store.addCheckpoint(key, { ...taken, time, users }, options.keep);
      })
      .catch((error: unknown) => log('error', `room ${name}: storing a history checkpoint failed (${String(error)})`));
    return this.#chain;
  }

  /** Takes every checkpoint due later now (the server is closing, after its rooms closed); resolves once stored. */
  async flush(): Promise<void> {
    for (const name of [...this.#pending.keys()]) void this.#take(name);
    await this.#chain;
  }

  /** Checks the name and, with a session, the read rule on the document's current value. */
  async #checked(collection: string, id: string, session: Session | undefined): Promise<StorageKey> {
    const name = typeof collection === 'string' && typeof id === 'string' ? docName(collection, id) : '';
    const key = parseDocName(name);
    if (!key) throw new HistoryError(ErrorCode.BadDocName, `yracer history: "${name.slice(0, 100)}" is not a valid document (collection/id)`);
    const { access, storage } = this.#context;
    const registry = this.#registry;
    if (session && access.checksReads) {
      const room = registry?.get(name);
      let value: unknown;
      if (room && !room.closed) value = room.value();
      else {
        const json = await storage.loadJson(key);
        value = json === null ? undefined : JSON.parse(json);
      }
      const denied = await access.canRead(session, key.collection, key.id, value);
      if (denied !== null) throw new HistoryError(ErrorCode.Forbidden, denied);
    }
    return key;
  }

  /**
   * The document's checkpoints, newest first. With a session, rejects with
   * `HistoryError` (`forbidden`) unless its read rule allows the document.
   */
  async list(collection: string, id: string, session?: Session): Promise<CheckpointInfo[]> {
    return this.#store.checkpoints(await this.#checked(collection, id, session));
  }

  /**
   * The document's JSON value at a checkpoint (undefined when it did not
   * exist then). Rejects with `HistoryError`: `bad-checkpoint` when there is
   * no such checkpoint, `forbidden` when the session may not read the
   * document.
   */
  async snapshotAt(collection: string, id: string, checkpoint: number, session?: Session): Promise<unknown> {
    const key = await this.#checked(collection, id, session);
    const found = Number.isSafeInteger(checkpoint) && checkpoint > 0 ? await this.#store.checkpointJson(key, checkpoint) : null;
    if (!found) {
      const numbers = (await this.#store.checkpoints(key)).map((entry) => entry.checkpoint);
      const has = numbers.length === 0 ? 'it has none' : `it has ${numbers[numbers.length - 1]}-${numbers[0]}`;
      throw new HistoryError(ErrorCode.BadCheckpoint, `yracer history: ${key.collection}/${key.id} has no checkpoint ${String(checkpoint).slice(0, 40)} (${has})`);
    }
    return found.json === null ? undefined : (JSON.parse(found.json) as unknown);
  }
}
