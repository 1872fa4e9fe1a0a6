/**
 * `groupCommit(committer)`: the write queue of `sqliteStorage`. Writes made
 * in one turn of the event loop go to the committer as one batch (one
 * transaction); while a batch commits, the writes made meanwhile wait and
 * then go together as the next batch, so under load each commit's flush to
 * disk is shared by every write that arrived during the previous one. Each
 * write's promise settles after the commit of its batch.
 */
import { VersionConflictError } from './storage.ts';
import type { StorageKey } from './storage-key.ts';
import type { Committer } from './sqlite-commit-thread.ts';
import type { DocumentWrite, WriteOutcome } from './sqlite-writes.ts';

/** The queue of one storage's writes (see `groupCommit`). */
export interface GroupCommit {
  /** Queues a write; resolves with the document's version after it (0 for JSON values and compactions) once its batch committed. */
  write(write: DocumentWrite): Promise<number>;
  /** Sends what is queued now and resolves once every write made so far has committed (or failed). */
  settled(): Promise<void>;
}

interface Pending {
  readonly write: DocumentWrite;
  readonly resolve: (version: number) => void;
  readonly reject: (error: unknown) => void;
}

const refusal = (key: StorageKey, outcome: Exclude<WriteOutcome, number>): Error =>
  outcome.refused === 'version-conflict'
    ? new VersionConflictError(key, outcome.expected, outcome.actual)
    : new RangeError(`yracer sqliteStorage: ${key.collection}/${key.id} has no version ${outcome.through}`);

/** Creates the write queue of a storage committing through `committer`. */
export function groupCommit(committer: Committer): GroupCommit {
  let queue: Pending[] = [];
  let scheduled = false;
  let inFlight: Promise<void> | null = null;

  const run = async (batch: Pending[]): Promise<void> => {
    try {
      const outcomes = await committer.commit(batch.map((pending) => pending.write));
      batch.forEach((pending, i) => {
        const outcome = outcomes[i];
        if (typeof outcome === 'number') pending.resolve(outcome);
        else if (outcome) pending.reject(refusal(pending.write.key, outcome));
        else pending.reject(new Error('yracer sqliteStorage: the commit did not report this write'));
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  };
  const flush = (): void => {
    scheduled = false;
    if (inFlight || queue.length === 0) return;
    const batch = queue;
    queue = [];
    inFlight = run(batch).then(() => {
      inFlight = null;
      flush(); // everything queued while that batch committed: the next group
    });
  };

  return {
    write(write) {
      return new Promise<number>((resolve, reject) => {
        queue.push({ write, resolve, reject });
        if (!scheduled && !inFlight) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async settled() {
      while (queue.length > 0 || inFlight) {
        flush();
        await inFlight;
      }
    },
  };
}
