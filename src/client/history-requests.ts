/**
 * A client's document history (docs/history.md): `loadHistory` lists a
 * document's checkpoints, `loadSnapshot` gives its value at one, and
 * `restoreSnapshot` writes that value back. The first two are requests to
 * the server, answered when the session's read rule allows the document;
 * a restore is an ordinary model write of the old value (`setDiffDeep`),
 * so it goes through the write rules and schema like any other, shows at
 * once in this model, and reaches everyone else as a normal change.
 * Refusals reject with a `SyncError` carrying the server's code.
 */
import type { Model } from '../model/model.ts';

/** One checkpoint of a document's history, as `loadHistory` lists it. */
export interface HistoryCheckpoint {
  /** Its number in the document's history (1, 2, 3, ...). */
  readonly checkpoint: number;
  /** The document version it reflects. */
  readonly version: number;
  /** When it was taken, in ms since the epoch. */
  readonly time: number;
  /** The users whose writes it covers. */
  readonly users: readonly string[];
}

const pathOf = (collection: string, id: string): string => `${collection}.${id}`;

async function ask(model: Model, collection: string, id: string, checkpoint: number): Promise<Record<string, unknown>> {
  const sync = model.store.sync;
  if (!sync?.requestHistory) throw new Error('yracer loadHistory: this model has no server to ask (a local model: createModel() without a url)');
  const json = await sync.requestHistory({ collection, id }, checkpoint);
  return JSON.parse(json) as Record<string, unknown>;
}

/**
 * The checkpoints of a document, newest first. Rejects with a `SyncError`
 * (`forbidden` when the session may not read the document, `history-off`
 * when the server keeps none).
 *
 * @example
 * const checkpoints = await loadHistory(model, 'todos', 'a1');
 */
export async function loadHistory(model: Model, collection: string, id: string): Promise<HistoryCheckpoint[]> {
  const answer = await ask(model, collection, id, 0);
  return answer['checkpoints'] as HistoryCheckpoint[];
}

/**
 * The document's value at a checkpoint (undefined when it did not exist
 * then). Rejects with a `SyncError` (`bad-checkpoint` naming the
 * checkpoints there are, `forbidden`, `history-off`).
 */
export async function loadSnapshot(model: Model, collection: string, id: string, checkpoint: number): Promise<unknown> {
  if (!Number.isSafeInteger(checkpoint) || checkpoint < 1) throw new RangeError(`yracer loadSnapshot: a checkpoint is a positive integer, got ${String(checkpoint)}`);
  const answer = await ask(model, collection, id, checkpoint);
  return answer['value'];
}

/**
 * Writes a checkpoint's value back into the document as a new change (only
 * what differs; a document that did not exist then is deleted), after
 * subscribing to it; resolves once the server stored it. Rejects with the
 * write's refusal (`forbidden`, `invalid-document`) or the read's.
 *
 * @example
 * await restoreSnapshot(model, 'todos', 'a1', 3);
 */
export async function restoreSnapshot(model: Model, collection: string, id: string, checkpoint: number): Promise<void> {
  const value = await loadSnapshot(model, collection, id, checkpoint);
  const path = pathOf(collection, id);
  await model.subscribe(path);
  try {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error): void => (error ? reject(error) : resolve());
      if (value === undefined) model.del(path, done);
      else model.setDiffDeep(path, value, done);
    });
  } finally {
    await model.unsubscribe(path);
  }
}
