/**
 * `seedDocument`: stores a new document for a benchmark through the public
 * `Storage` API, as a server that compacted it would have left it: its Yjs
 * state as version 1, compacted (no log), and its JSON value when given.
 */
import type { Storage, StorageKey } from 'yracer/server';

/** Stores `state` as the whole of a document never stored before (and its JSON value, as current). */
export async function seedDocument(storage: Storage, key: StorageKey, state: Uint8Array, json?: string): Promise<void> {
  const version = await storage.append(key, [state]);
  await storage.compact(key, state, version);
  if (json !== undefined) await storage.saveJson(key, json);
}
