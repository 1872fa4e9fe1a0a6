/**
 * The commit thread's entry point (a `worker_threads` worker started by
 * `commitThread`): it opens its own connection to each database it is told
 * to, and runs each group commit it receives as one transaction, so that the
 * commit's flush to disk (`synchronous = FULL`) waits here instead of on the
 * event loop of the server. Messages are `CommitRequest`s; it answers each
 * with a `CommitReply`, in order per database.
 */
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CommitReply, CommitRequest } from './sqlite-commit-messages.ts';
import { sqliteWrites, type DocumentWrite, type WriteOutcome } from './sqlite-writes.ts';

interface Opened {
  readonly db: Database.Database;
  readonly writeAll: (batch: readonly DocumentWrite[]) => WriteOutcome[];
}

const port = parentPort;
if (!port) throw new Error('yracer: sqlite-commit-worker runs as a worker thread');
const databases = new Map<number, Opened>();
/** Why a database could not be opened, for the commits that follow. */
const openFailures = new Map<number, string>();

const failure = (error: unknown): { message: string; code?: string } => {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { message, code } : { message };
};

const handle = (request: CommitRequest): CommitReply => {
  const { handle } = request;
  try {
    switch (request.op) {
      case 'open': {
        try {
          const db = new Database(request.file);
          db.pragma(`synchronous = ${request.synchronous}`);
          databases.set(handle, { db, writeAll: sqliteWrites(db) });
        } catch (error) {
          openFailures.set(handle, `yracer sqliteStorage: the commit thread could not open ${request.file}: ${failure(error).message}`);
          throw error;
        }
        return { handle, op: 'done' };
      }
      case 'commit': {
        const opened = databases.get(handle);
        if (!opened) throw new Error(openFailures.get(handle) ?? 'yracer sqliteStorage: the commit thread has no such database open');
        return { handle, op: 'committed', outcomes: opened.writeAll(request.batch) };
      }
      case 'close':
        databases.get(handle)?.db.close();
        databases.delete(handle);
        openFailures.delete(handle);
        return { handle, op: 'done' };
    }
  } catch (error) {
    return { handle, op: 'failed', error: failure(error) };
  }
};

port.on('message', (request: CommitRequest) => port.postMessage(handle(request)));
