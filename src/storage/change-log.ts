/**
 * The change log of a storage: a persistent record of the changes stored in
 * each collection, read by the server's change feed (`server.changes()`).
 *
 * Each collection numbers its changes with a sequence of its own (1, 2, 3,
 * ...), assigned at commit, so the changes of a collection commit in
 * sequence order (Postgres serializes them on the collection's head row):
 * a reader that read through `seq` never later finds a change below it.
 * A change records the document, the version it reached, when it was
 * recorded and the document's JSON value after it (null once deleted).
 * Retention drops old rows (`prune`); the sequence never restarts.
 */

/** One change to record: `collection/id` reached `version`, with this JSON value (null: the document does not exist). */
export interface ChangeRecord {
  readonly collection: string;
  readonly id: string;
  readonly version: number;
  readonly json: string | null;
}

/** One recorded change, as read back. */
export interface StoredChange extends ChangeRecord {
  /** Its position in the collection's sequence (1, 2, 3, ...). */
  readonly seq: number;
  /** When it was recorded, in ms since the epoch. */
  readonly time: number;
}

/** What `prune` drops. */
export interface ChangePruning {
  /** Drop changes recorded before this time (ms since the epoch). */
  readonly before?: number;
  /** Keep at most this many of the latest changes of each collection. */
  readonly keepRows?: number;
}

/** The change log of a storage (`Storage.changes`). */
export interface ChangeLog {
  /**
   * Records changes, in order, at the next positions of their collections,
   * with the time now; resolves once committed. A change whose document
   * already has a change recorded at the same or a later version is skipped
   * (two processes recording one document's changes out of order).
   */
  record(changes: readonly ChangeRecord[]): Promise<void>;
  /** Up to `limit` changes of `collection` after position `since`, in sequence order. */
  read(collection: string, since: number, limit: number): Promise<StoredChange[]>;
  /** Drops old changes (see `ChangePruning`); resolves to how many were dropped. */
  prune(pruning: ChangePruning): Promise<number>;
}
