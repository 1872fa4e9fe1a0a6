/**
 * The persistence interface of the server: bytes and JSON only (it knows
 * nothing about Yjs). Every method returns a promise, so adapters may be
 * remote (Postgres) and nothing may assume a synchronous, single-process store.
 *
 * A document is stored as a compacted state plus a log of updates appended
 * after it. The server appends each update before acknowledging it, and now
 * and then replaces the state with a merged one and drops the log entries it
 * covers (`compact`), atomically, so a crash at any point loses nothing. Each
 * document also keeps its current JSON value, for queries, with the number
 * of the last update it reflects: a JSON value left behind by a crash is
 * found (`staleJson`) and rebuilt when the server starts.
 */
import type { QueryExpression } from '../query/query-expression.ts';

/** What `load` returns for one document. */
export interface StoredDocument {
  /** The compacted state (a Yjs update), or null when never compacted. */
  readonly state: Uint8Array | null;
  /** Updates appended after the state, in order. */
  readonly updates: readonly Uint8Array[];
  /**
   * Sequence number of the last update appended to the document (0 when
   * none was), also when a compaction has dropped it from `updates`; pass it
   * to `compact` and `saveJson`.
   */
  readonly seq: number;
}

/** A document name split into its parts (`collection/id`). */
export interface StorageKey {
  readonly collection: string;
  readonly id: string;
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

/** Persistence for the sync server. */
export interface Storage {
  /** Loads a document; a document never stored gives `{ state: null, updates: [], seq: 0 }`. */
  load(key: StorageKey): Promise<StoredDocument>;
  /** Appends an update durably (resolved means stored) and returns its sequence number. */
  append(key: StorageKey, update: Uint8Array): Promise<number>;
  /** Atomically replaces the state and drops the updates with a sequence number up to `throughSeq`. */
  compact(key: StorageKey, state: Uint8Array, throughSeq: number): Promise<void>;
  /**
   * Stores the document's JSON value (`null` when it does not exist), as of
   * the update numbered `throughSeq` (what `append` returned; the value
   * reflects that update and every earlier one). A value older than the one
   * stored (a lower `throughSeq`) is ignored. Without `throughSeq` the value
   * is taken as current (it reflects every update appended so far).
   */
  saveJson(key: StorageKey, json: string | null, throughSeq?: number): Promise<void>;
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
  /** Flushes and releases resources; later calls reject. */
  close(): Promise<void>;
}
