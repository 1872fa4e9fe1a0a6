/**
 * Rebuilds stored JSON values that fell behind their documents' Yjs state.
 *
 * A room writes a document's JSON value (what queries read) a moment after
 * the update that changed it (`jsonDelayMs`), while the update itself is
 * stored before it is acknowledged. A crash in between leaves the JSON behind
 * an acknowledged write; storage notices (`staleJson`) and the server runs
 * this before its first query, so no query ever reads such a value.
 */
import * as Y from 'yjs';
import { documentValue } from '../model/paths/document-value.ts';
import type { Storage } from '../storage/storage.ts';
import type { StorageKey } from '../storage/storage-key.ts';
import type { ServerLog } from './server-log.ts';

/**
 * Rebuilds the JSON value of every document whose stored JSON is stale (or
 * of the documents given), from its stored state, and resolves to how many
 * there were. A document whose JSON cannot be built is logged and left as
 * it is.
 */
export async function repairJson(storage: Storage, log: ServerLog, keys?: readonly StorageKey[]): Promise<number> {
  const stale = keys ?? (await storage.staleJson());
  let repaired = 0;
  for (const key of stale) {
    const stored = await storage.load(key);
    const doc = new Y.Doc({ gc: true });
    try {
      for (const part of stored.state ? [stored.state, ...stored.updates] : stored.updates) Y.applyUpdate(doc, part);
      const value = documentValue(doc);
      // As of the last stored update: a room that saved a newer value meanwhile keeps it.
      await storage.saveJson(key, value === undefined ? null : JSON.stringify(value), stored.version);
      repaired += 1;
    } catch (error) {
      log('error', `the JSON of ${key.collection}/${key.id} could not be rebuilt (${String(error)}); queries may miss its latest value`);
    } finally {
      doc.destroy();
    }
  }
  if (stale.length > 0) log('info', `rebuilt the JSON value of ${repaired} of ${stale.length} documents left behind by ${keys ? 'a stopped process' : 'an earlier stop'}`);
  return repaired;
}
