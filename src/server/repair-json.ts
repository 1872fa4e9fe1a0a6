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
import type { ChangeRecord } from '../storage/change-log.ts';
import type { Storage } from '../storage/storage.ts';
import type { StorageKey } from '../storage/storage-key.ts';
import type { ServerLog } from './server-log.ts';

/**
 * The change feed's part in storing JSON values (server-changes.ts): a room
 * stores a JSON value only after `beforeJsonSave` (every change it reflects
 * is in the feed), so a document whose change a crash kept out of the feed
 * has its JSON left behind too, and `repaired` records the rebuilt value.
 */
export interface ChangeRecorder {
  /** Resolves once the changes stored so far are recorded in the feed. */
  beforeJsonSave(): Promise<void>;
  /** Records rebuilt values as changes (skipped where the feed has the version already). */
  repaired(changes: readonly ChangeRecord[]): Promise<void>;
}

/**
 * Rebuilds the JSON value of every document whose stored JSON is stale (or
 * of the documents given), from its stored state, and resolves to how many
 * there were. With a `recorder` (the change feed is on), each rebuilt value
 * is recorded as a change too. A document whose JSON cannot be built is
 * logged and left as it is.
 */
export async function repairJson(storage: Storage, log: ServerLog, keys?: readonly StorageKey[], recorder?: ChangeRecorder | null): Promise<number> {
  const stale = keys ?? (await storage.staleJson());
  let repaired = 0;
  for (const key of stale) {
    const stored = await storage.load(key);
    const doc = new Y.Doc({ gc: true });
    try {
      for (const part of stored.state ? [stored.state, ...stored.updates] : stored.updates) Y.applyUpdate(doc, part);
      const value = documentValue(doc);
      // As of the last stored update: a room that saved a newer value meanwhile keeps it.
      const json = value === undefined ? null : JSON.stringify(value);
      await recorder?.repaired([{ collection: key.collection, id: key.id, version: stored.version, json }]);
      await storage.saveJson(key, json, stored.version);
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
