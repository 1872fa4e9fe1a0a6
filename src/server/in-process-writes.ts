/**
 * The writes of an in-process model (`server.createModel()`): each local
 * update goes to its document's room after that document's earlier writes
 * and is then stored and broadcast like a client's. With a session, the
 * server's rules and schema check it first; a refused write returns the
 * document to the stored state (or empties it when the session may not read
 * it), emits `error`, and fails the writes made on top of it.
 */
import * as Y from 'yjs';
import type { DocEntry } from '../model/documents/doc-entry.ts';
import type { ModelStore } from '../model/documents/model-store.ts';
import type { WriteCallback } from '../model/mutations/write-scope.ts';
import { docName } from '../protocol/doc-name.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import type { AccessRules } from './access-rules.ts';
import { receiveChecked } from './checked-write.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';
import { whenReadable } from './when-readable.ts';
import { WriteQueue } from './write-queue.ts';

/** The session an in-process model acts for, and the rules that check it. */
export interface SessionGuard {
  readonly session: Session;
  readonly access: AccessRules;
}

/** What the writes need from their model's sync port. */
export interface InProcessWritesHost {
  readonly registry: RoomRegistry;
  readonly log: ServerLog;
  /** The session checked by the rules (none: trusted). */
  readonly guard: SessionGuard | undefined;
  /** The sync port: the origin of the model's writes in the rooms. */
  readonly peer: RoomPeer;
  readonly store: ModelStore;
  /** The model's entry of a document, by `collection/id`. */
  entry(name: string): DocEntry | undefined;
  closed(): boolean;
  /** Emits the model's `error` event at a room's document. */
  emitError(room: Room, error: Error): void;
  /** Something is pending that was not, or nothing is pending any more. */
  changed(): void;
}

/** The writes of one in-process model. */
export class InProcessWrites {
  readonly #host: InProcessWritesHost;
  readonly #queue: WriteQueue;
  readonly #count = new WeakMap<Y.Doc, number>();
  /** Yjs documents the server refused a write of: their later writes build on it and are not stored. */
  readonly #refused = new WeakSet<Y.Doc>();

  constructor(host: InProcessWritesHost) {
    this.#host = host;
    this.#queue = new WriteQueue(() => host.changed());
  }

  /** When every write was last stored (ms since the epoch), or null. */
  get lastSyncedAt(): number | null {
    return this.#queue.lastSyncedAt;
  }

  /** A local write of a document of the model: counted (for its callback) and stored. */
  local(entry: DocEntry, update: Uint8Array): void {
    this.#count.set(entry.ydoc, (this.#count.get(entry.ydoc) ?? 0) + 1);
    this.store(entry.collection, entry.id, update, entry.ydoc);
  }

  /** Hands an update of `ydoc` to its room, after the document's earlier writes. */
  store(collection: string, id: string, update: Uint8Array, ydoc: Y.Doc): void {
    const name = docName(collection, id);
    const { registry, log, peer } = this.#host;
    const done = this.#queue.enqueue(name, async () => {
      const room = await registry.open(name, { collection, id });
      const stored = await this.#receive(room, update, ydoc);
      if (!room.peers.has(peer)) registry.touch(room);
      await stored;
    });
    done.catch((error: unknown) => {
      const refused = error instanceof AccessRefusedError;
      log(refused ? 'warn' : 'error', `in-process model: ${refused ? 'the server refused' : 'storing'} a write of ${name}${refused ? '' : ' failed'} (${String(error)})`);
    });
  }

  /** Applies the update to its room (checked when there is a session); resolves to the promise it is stored. */
  async #receive(room: Room, update: Uint8Array, ydoc: Y.Doc): Promise<Promise<void>> {
    if (this.#refused.has(ydoc)) {
      throw new AccessRefusedError({ code: 'forbidden', message: `not stored: it was made on top of a refused write of ${room.name}` });
    }
    const { guard, peer } = this.#host;
    if (!guard) return room.receive(update, peer);
    try {
      return (await receiveChecked(room, update, peer, guard.session, guard.access)).stored;
    } catch (error) {
      if (error instanceof AccessRefusedError) await this.#reset(room, ydoc, error, guard);
      throw error;
    }
  }

  /** Returns a document whose write was refused to the room's state (a new Yjs document) and emits `error`. */
  async #reset(room: Room, ydoc: Y.Doc, error: AccessRefusedError, guard: SessionGuard): Promise<void> {
    this.#refused.add(ydoc);
    const host = this.#host;
    const entry = host.entry(room.name);
    if (host.closed() || entry?.ydoc !== ydoc) return;
    const replace = (state: Uint8Array): void => {
      if (host.closed() || host.entry(room.name) !== entry) return;
      host.store.replaceDoc(room.key.collection, room.key.id, state);
      host.emitError(room, error);
    };
    // The stored state only if the session may read it (a write-only document empties).
    const denied = await whenReadable(guard.access, host.registry, guard.session, room, () => replace(room.diff()));
    if (denied !== null) replace(Y.encodeStateAsUpdate(new Y.Doc()));
  }

  /** A marker of the document's writes so far (for `settle`). */
  mark(entry: DocEntry): number {
    return this.#count.get(entry.ydoc) ?? 0;
  }

  /** Calls back once the writes made since `marker` are stored (or with the error that refused them). */
  settle(entry: DocEntry, marker: number, callback: WriteCallback): void {
    const outcome = this.#queue.latest(docName(entry.collection, entry.id));
    if ((this.#count.get(entry.ydoc) ?? 0) === marker || !outcome) {
      queueMicrotask(() => callback());
      return;
    }
    outcome.then(
      () => callback(),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Resolves once nothing is pending; rejects with a failed write's error. */
  whenNothingPending(): Promise<void> {
    return this.#queue.whenEmpty();
  }

  /** True when the document (or, without a name, any document) has a write in flight. */
  has(name?: string): boolean {
    return this.#queue.has(name);
  }

  /** How many documents have a write in flight. */
  count(): number {
    return this.#queue.size;
  }
}
