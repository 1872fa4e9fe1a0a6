/**
 * The storage side of document history (docs/history.md): per document, a
 * list of checkpoints, each the document's JSON value at one version with
 * the time it was taken and the users whose writes it covers. Checkpoints
 * are numbered per document (1, 2, 3, ...); a storage keeps the newest
 * `keep` of each document and drops older ones as new ones come. They live
 * beside the update log, so compaction never touches them.
 */
import type { StorageKey } from './storage-key.ts';

/** One checkpoint as listed (without its value). */
export interface CheckpointInfo {
  /** Its number in the document's history (1, 2, 3, ...; never reused). */
  readonly checkpoint: number;
  /** The document version the value reflects (every update through it). */
  readonly version: number;
  /** When it was taken, in ms since the epoch. */
  readonly time: number;
  /** The users whose writes went in since the previous checkpoint (sorted; empty when only trusted code wrote). */
  readonly users: readonly string[];
}

/** What the server hands to `HistoryStorage.addCheckpoint`. */
export interface NewCheckpoint {
  readonly version: number;
  readonly time: number;
  readonly users: readonly string[];
  /** The document's JSON value (`null` when it did not exist then). */
  readonly json: string | null;
}

/** Checkpoint storage of one adapter (`storage.history`). */
export interface HistoryStorage {
  /**
   * Stores a checkpoint under the document's next checkpoint number and
   * drops the oldest ones past the newest `keep`; resolves to its number.
   */
  addCheckpoint(key: StorageKey, checkpoint: NewCheckpoint, keep: number): Promise<number>;
  /** The document's checkpoints, newest first (empty when it has none). */
  checkpoints(key: StorageKey): Promise<CheckpointInfo[]>;
  /** The stored JSON value of one checkpoint (`json: null`: the document did not exist), or null when there is no such checkpoint. */
  checkpointJson(key: StorageKey, checkpoint: number): Promise<{ readonly json: string | null } | null>;
}

/** Throws a `TypeError` naming the problem unless `keep` is a positive safe integer. */
export function assertKeep(keep: number, where: string): void {
  if (!Number.isSafeInteger(keep) || keep < 1) throw new TypeError(`${where}: keep must be a positive integer, got ${String(keep)}`);
}

/**
 * Keeps checkpoints in memory (for `memoryStorage()`): lost on exit.
 *
 * @example
 * const history = memoryHistory(() => closed);
 */
export function memoryHistory(assertOpen: () => void): HistoryStorage {
  const docs = new Map<string, { next: number; list: Array<CheckpointInfo & { readonly json: string | null }> }>();
  const nameOf = (key: StorageKey): string => `${key.collection}/${key.id}`;
  return {
    async addCheckpoint(key, checkpoint, keep) {
      assertOpen();
      assertKeep(keep, 'yracer memoryStorage history');
      const name = nameOf(key);
      let found = docs.get(name);
      if (!found) docs.set(name, (found = { next: 1, list: [] }));
      const number = found.next++;
      found.list.push({ checkpoint: number, version: checkpoint.version, time: checkpoint.time, users: [...checkpoint.users].sort(), json: checkpoint.json });
      if (found.list.length > keep) found.list.splice(0, found.list.length - keep);
      return number;
    },
    async checkpoints(key) {
      assertOpen();
      const list = docs.get(nameOf(key))?.list ?? [];
      return list.map(({ checkpoint, version, time, users }) => ({ checkpoint, version, time, users: [...users] })).reverse();
    },
    async checkpointJson(key, checkpoint) {
      assertOpen();
      const found = docs.get(nameOf(key))?.list.find((entry) => entry.checkpoint === checkpoint);
      return found ? { json: found.json } : null;
    },
  };
}
