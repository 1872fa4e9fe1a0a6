/**
 * The persistence interface of the server: bytes and JSON only (it knows
 * nothing about Yjs). Every method returns a promise, so adapters may be
 * remote (Postgres) and shared by several server processes.
 *
 * A document is stored as a compacted state plus a log of updates appended
 * after it. Each document numbers its updates with a gapless version of its
 * own (1, 2, 3, ...), assigned at commit under a per-document lock, so two
 * processes appending to the same document get distinct, consecutive
 * versions, and a process that sees a gap reads what it missed
 * (`readSince`). The server appends each update before acknowledging it,
 * and now and then replaces the state with a merged one and drops the log
 * entries it covers (`compact`), atomically and only forward, so neither a
 * crash nor another process compacting at the same time loses an update.
 * Each document also keeps its current JSON value, for queries, with the
 * version it reflects: a JSON value left behind by a crash is found
 * (`staleJson`) and rebuilt.
 */
import type { QueryExpression } from '../query/query-expression.ts';
import type { HistoryStorage } from './history-storage.ts';
import type { ChangeLog } from './change-log.ts';
import type { StorageKey } from './storage-key.ts';

export type { StorageKey } from './storage-key.ts';

/** What `load` returns for one document. */
export interface StoredDocument {
  /** The compacted state (a Yjs update), or null when never compacted. */
  readonly state: Uint8Array | null;
  /** Updates appended after the state, in version order. */
  readonly updates: readonly Uint8Array[];
  /**
   * Version of the last update appended to the document (0 when none was),
   * also when a compaction has dropped it from `updates`: the state and the
   * updates together reflect every update through it.
   */
  readonly version: number;
}

/** What `readSince` returns: what a holder of a document at some version lacks. */
export interface StoredUpdates {
  /**
   * Null when the log still holds every update after the version asked for
   * (they are `updates`); otherwise a compaction dropped some of them, and
   * this is the compacted state, which `updates` follow.
   */
  readonly state: Uint8Array | null;
  /** The updates after the version asked for (or after `state`), in version order. */
  readonly updates: readonly Uint8Array[];
  /** The document's version: of the last update appended (0 when none). */
  readonly version: number;
}

/** Options of `Storage.append`. */
export interface AppendOptions {
  /**
   * Append only if the document's version is still this one (the version
   * the caller checked the updates against); otherwise reject with
   * `VersionConflictError` and store nothing of them.
   */
  readonly expectVersion?: number;
}

/** Raised by `append` with `expectVersion` when another writer appended first; nothing was stored. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  /** The version the caller expected. */
  readonly expected: number;
  /** The document's version at the time. */
  readonly actual: number;

  constructor(key: StorageKey, expected: number, actual: number) {
    super(`yracer storage: ${key.collection}/${key.id} is at version ${actual}, not ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** Options of `Storage.query`. */
export interface StorageQueryOptions {
  /** Also return each result document's stored state (as `load` would), in the order of `ids`. Default false. */
  readonly documents?: boolean;
}

/** What `Storage.query` returns. */
export interface StoredQueryResult {
  /** Ids of the matching documents, in order (empty for a `$count` query). */
  readonly ids: readonly string[];
  /** The number of matches after `$skip` and `$limit` (for every query, `$count` or not). */
  readonly count: number;
  /** The stored JSON value of each document of `ids`, in the same order. */
  readonly json: readonly string[];
  /** With `documents: true`: each document's stored state, in the order of `ids`. */
  readonly documents?: readonly StoredDocument[];
}

/** One document of a `Storage.documentsAfter` page: its key, stored state and stored JSON value. */
export interface ListedDocument extends StorageKey, StoredDocument {
  /** The stored JSON value (null when none); it may be behind `version` (see `staleJson`). */
  readonly json: string | null;
}

/** Persistence for the sync server. */
export interface Storage {
  /** Loads a document; a document never stored gives `{ state: null, updates: [], version: 0 }`. */
  load(key: StorageKey): Promise<StoredDocument>;
  /**
   * Appends updates durably, in order, at the document's next versions
   * (resolved means committed), and resolves to the version of the last one
   * (the first is that minus `updates.length - 1`). Appends made in one
   * turn of the event loop may commit together. An empty list stores
   * nothing and resolves to the current version. With `expectVersion`,
   * rejects with `VersionConflictError` (storing nothing) when the
   * document is at another version.
   */
  append(key: StorageKey, updates: readonly Uint8Array[], options?: AppendOptions): Promise<number>;
  /**
   * What was appended to a document after `version`: the updates from
   * `version + 1` on, or, when a compaction dropped some of those, the
   * compacted state and every update after it.
   */
  readSince(key: StorageKey, version: number): Promise<StoredUpdates>;
  /** The current version of each document, in the order of `keys` (0 for one never stored). */
  heads(keys: readonly StorageKey[]): Promise<number[]>;
  /**
   * Atomically replaces the state with `state`, which must reflect every
   * update through version `through`, and drops those updates from the log.
   * Only moves forward: a compaction through a version not above the last
   * one is ignored, so one that lost a race never replaces a newer state,
   * and updates after `through` (another process's, say) are always kept.
   * Rejects with a `RangeError` when `through` is above the document's version.
   */
  compact(key: StorageKey, state: Uint8Array, through: number): Promise<void>;
  /**
   * Stores the document's JSON value (`null` when it does not exist), as of
   * version `version` (the value reflects every update through it). Only
   * moves forward: a value as of an older version than the stored one is
   * ignored. Without `version` the value is taken as current (as of the
   * document's version now).
   */
  saveJson(key: StorageKey, json: string | null, version?: number): Promise<void>;
  /**
   * The documents whose stored JSON value may be behind their stored
   * updates: an update was appended after the last `saveJson` (a crash in
   * between, say). The server rebuilds their JSON from the Yjs state before
   * it runs any query.
   */
  staleJson(): Promise<StorageKey[]>;
  /** Reads the stored JSON value of a document (null when none). */
  loadJson(key: StorageKey): Promise<string | null>;
  /**
   * Runs a query over the stored JSON values of a collection (documents whose
   * value is null do not exist and never match). Rejects with a `TypeError`
   * for an invalid expression (see `queryProblem`).
   */
  query(collection: string, expression: QueryExpression, options?: StorageQueryOptions): Promise<StoredQueryResult>;
  /**
   * How many documents have stored updates (deleted ones included: their
   * deletion is an update too). Optional: the server's
   * `yracer_documents_stored` metric reads it when the storage has it.
   */
  countDocuments?(): Promise<number>;
  /**
   * The record of stored changes per collection, for the server's change
   * feed (`server.changes()`, docs/changes.md). Optional: a storage without
   * one cannot serve a server with `changeFeed`.
   */
  readonly changes?: ChangeLog;
  /**
   * One page of every stored document, ordered by collection then id (code
   * point order), starting after `after` (null: from the first), at most
   * `limit` of them; each consistent in itself (the pages are not one
   * snapshot). Used by `exportDocuments` to walk a store of any size in
   * constant memory. Optional: a storage without it cannot be exported.
   */
  documentsAfter?(after: StorageKey | null, limit: number): Promise<ListedDocument[]>;
  /** Flushes and releases resources; later calls reject. */
  close(): Promise<void>;
  /** Where document history checkpoints are kept (docs/history.md); absent in a storage that keeps none. */
  readonly history?: HistoryStorage;
}
