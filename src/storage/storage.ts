/**
 * The persistence interface of the server: bytes and JSON only (it knows
 * nothing about Yjs). Every method returns a promise, so adapters may be
 * remote (Postgres) and nothing may assume a synchronous, single-process store.
 *
 * A document is stored as a compacted state plus a log of updates appended
 * after it. The server appends each update before acknowledging it, and now
 * and then replaces the state with a merged one and drops the log entries it
 * covers (`compact`), atomically, so a crash at any point loses nothing. Each
 * document also keeps its current JSON value, for queries.
 */
import type { QueryExpression } from '../query/query-expression.ts';

/** What `load` returns for one document. */
export interface StoredDocument {
  /** The compacted state (a Yjs update), or null when never compacted. */
  readonly state: Uint8Array | null;
  /** Updates appended after the state, in order. */
  readonly updates: readonly Uint8Array[];
  /** Sequence number of the last update (0 when there is none); pass it to `compact`. */
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
  /** Stores the document's current JSON value (`null` when it does not exist). */
  saveJson(key: StorageKey, json: string | null): Promise<void>;
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
