/**
 * `WriteCallback`: how a write reports that it is stored. A file of its own
 * so that the sync port's contract (documents/sync-port.ts) can name it
 * without importing the write scope, which imports the model store.
 */

/** Called once a write is stored (by the server when synced), or with the error that stopped it. */
export type WriteCallback = (error?: Error) => void;
