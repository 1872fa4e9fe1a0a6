/**
 * What a room is told by its server (`RoomSettings`). The room type its
 * hooks receive is a parameter (`RoomSettings<Room>`), so that this file
 * does not import room.ts.
 */
import type { Storage } from '../storage/storage.ts';
import type { Announced } from './room-versions.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';
import type { WriteWatch } from './stored-write.ts';

/**
 * Tuning of a room, from the server options. `R` is the room type the hooks
 * are called with (`Room`); the default `never` fits code that reads the
 * settings without calling the hooks.
 */
export interface RoomSettings<R = never> {
  readonly storage: Storage;
  readonly log: ServerLog;
  readonly compactAfterUpdates: number;
  readonly compactAfterMs: number;
  readonly jsonDelayMs: number;
  /** Most bytes of JSON the presence states of the room may hold together (default 1 MiB). */
  readonly maxPresenceBytesPerRoom?: number;
  /** Called when an update damaged the in-memory document: the registry discards the room. */
  readonly onDamaged?: (room: R) => void;
  /** Called after every change of the document, with the transaction's origin (for live queries). */
  readonly onChange?: (room: R, origin: unknown) => void;
  /** Called after the room stored an update of its own at versions `first..last` (to announce it to other processes). */
  readonly onStored?: (room: R, announced: Announced) => void;
  /** Called when a checked write of a session went into the room (document history credits its user). */
  readonly onWrite?: (room: R, session: Session) => void;
  /** Called when the room's presence changed because of this process's clients (to relay it to other processes). */
  readonly onAwareness?: (room: R, update: Uint8Array) => void;
  /** Called after the room stored its JSON value as of `version` (to tell other processes' live queries). */
  readonly onJsonSaved?: (room: R, json: string | null, version: number) => void;
  /**
   * Storage is shared with other server processes: a checked write is
   * stored at the version it was checked against (`receiveAt`) before it is
   * applied, and a gap in the versions is read from storage (`catchUp`).
   */
  readonly shared?: boolean;
  /**
   * The JSON delay for a document of a collection, when it differs from
   * `jsonDelayMs` (shorter while another process has live queries of the
   * collection: they run again once the JSON is stored).
   */
  readonly jsonDelayFor?: (collection: string) => number;
  /** How long a failing storage write is tried again before it fails, in ms (default 0: not tried again). */
  readonly storageRetryMs?: number;
  /** Told of the writes the room stored itself, with their values and sessions (the change hooks). */
  readonly writes?: WriteWatch;
  /** Awaited before the room stores a JSON value (the change feed records the changes it reflects first: repair-json.ts). */
  readonly beforeJsonSave?: () => Promise<void>;
  /** Runs once the room's document is loaded, before the room is ready (schema migrations: document-migration.ts); must not reject. */
  readonly afterLoad?: (room: R) => Promise<void>;
  /** How long a gap in announced versions may stay open before the room reads storage, in ms (default 20). */
  readonly gapWaitMs?: number;
}
