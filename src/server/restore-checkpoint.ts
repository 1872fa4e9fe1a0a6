/**
 * `restoreCheckpoint`: writes a checkpoint's value back into its document as
 * a new, ordinary change (docs/history.md). It goes through an in-process
 * model, so it reaches the document's room like any client's write: live
 * clients see it, it is stored after the log (never rewriting it) and, when
 * a session is given, the session's rules and the schema check it.
 */
import type { Model } from '../model/model.ts';
import type { DocumentHistory } from './document-history.ts';
import type { Session } from './session.ts';

/**
 * Writes the value of `checkpoint` into `collection/id` (only the parts
 * that differ: `setDiffDeep`; a document that did not exist then is
 * deleted), through a model made by `createModel` for `session`, and
 * resolves once stored. Rejects with `HistoryError` for a bad checkpoint or
 * a refused read, or `AccessRefusedError` when the session may not write
 * the old value; nothing is written then.
 *
 * @example
 * await restoreCheckpoint(history, (session) => server.createModel(session ? { session } : {}), 'todos', 'a1', 3);
 */
export async function restoreCheckpoint(
  history: DocumentHistory,
  createModel: (session: Session | undefined) => Model,
  collection: string,
  id: string,
  checkpoint: number,
  session?: Session,
): Promise<void> {
  const value = await history.snapshotAt(collection, id, checkpoint, session);
  const model = createModel(session);
  try {
    const path = `${collection}.${id}`;
    await model.subscribe(path);
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error): void => (error ? reject(error) : resolve());
      if (value === undefined) model.del(path, done);
      else model.setDiffDeep(path, value, done);
    });
  } finally {
    model.close();
  }
}
