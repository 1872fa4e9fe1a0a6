/**
 * The messages between `sqliteStorage` and its commit thread: requests to
 * open a database, commit a batch, or close it, each for one database (a
 * handle), and the replies, in the order of the requests of that database.
 */
import type { DocumentWrite, WriteOutcome } from './sqlite-writes.ts';

/** A request to the commit thread. */
export type CommitRequest =
  | {
      readonly op: 'open';
      readonly handle: number;
      /** The database file, already created and migrated by the event loop's connection. */
      readonly file: string;
      /** SQLite's `synchronous` pragma for the thread's connection. */
      readonly synchronous: 'FULL' | 'NORMAL';
    }
  | { readonly op: 'commit'; readonly handle: number; readonly batch: readonly DocumentWrite[] }
  | { readonly op: 'close'; readonly handle: number };

/** The commit thread's answer to one request. */
export type CommitReply =
  | { readonly op: 'done'; readonly handle: number }
  | { readonly op: 'committed'; readonly handle: number; readonly outcomes: readonly WriteOutcome[] }
  | {
      readonly op: 'failed';
      readonly handle: number;
      /** The error's message and SQLite code (`SQLITE_FULL`, ...): nothing of the request was done. */
      readonly error: { readonly message: string; readonly code?: string };
    };
