/**
 * The offline store: where a browser client keeps what it has loaded, so a
 * reload without a server still shows the last data and keeps the edits the
 * server has not acknowledged. `indexedDbStore()` is the implementation; the
 * interface is small so tests (and other environments) can bring their own.
 */

/** A local update the server had not acknowledged when it was stored. */
export interface StoredPending {
  /** The document's name (`collection/id`). */
  readonly doc: string;
  /** The sequence number the writing client gave it (only meaningful within that client). */
  readonly seq: number;
  /** Which client stored it (see `OfflineStore.owner`). */
  readonly owner: string;
  /** The Yjs update. */
  readonly update: Uint8Array;
}

/** A query's last result from the server. */
export interface StoredQuery {
  readonly ids: readonly string[];
  readonly count: number;
}

/**
 * Stores documents, pending writes and query results of one client.
 * Writes (`append`, `addPending`, ...) return at once; a store may batch
 * them (writes of one frame sharing a transaction) as long as `flush()`
 * starts committing every one of them before it returns: the client calls
 * it when the page is hidden or unloaded, so a page closed or reloaded right
 * after an edit still has it. `flush()` resolves once they are committed.
 * Reads see every write made before them.
 */
export interface OfflineStore {
  /** The store's name (tabs with stores of one name share their updates). */
  readonly name: string;
  /** This client's owner id: pending writes are stored under it. */
  readonly owner: string;
  /** The stored state of documents (all their updates merged), by name; unknown documents are left out. */
  loadDocs(names: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** Adds a Yjs update (local or from the server) to a document's stored state. */
  append(doc: string, update: Uint8Array): void;
  /** Drops a document's stored state (not its pending updates). */
  forget(doc: string): void;
  /** Stores a pending local update. */
  addPending(doc: string, seq: number, update: Uint8Array): void;
  /** Removes pending updates of this owner (acknowledged, refused or merged into a newer one). */
  removePending(doc: string, seqs: readonly number[]): void;
  /**
   * Takes over the pending updates of owners that are gone: removes them
   * and returns them, so they are sent once, by this client. Where the
   * environment cannot tell which owners are alive (no Web Locks), only the
   * first call takes over, and it takes every other owner's. A store may
   * call `resend` with them (synchronously, before it resolves) so that the
   * pending updates `resend` stores again under this owner (`addPending`)
   * commit in the transaction that removes them: a page closed meanwhile
   * then loses none of them. The client handles the returned updates itself
   * when `resend` was not called.
   */
  adoptPending(resend?: (taken: readonly StoredPending[]) => void): Promise<StoredPending[]>;
  /** The stored result of a query (key: collection and expression), or null. */
  loadQuery(key: string): Promise<StoredQuery | null>;
  /** Stores a query's result. */
  saveQuery(key: string, result: StoredQuery): void;
  /** Commits the writes made so far (starting now what has not started: the page may be going away); resolves once they are committed. */
  flush(): Promise<void>;
  /** Commits what is queued and closes the store. */
  close(): Promise<void>;
}
