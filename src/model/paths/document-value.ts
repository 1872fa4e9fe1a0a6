/**
 * The JSON value of a synced document's `Y.Doc`, as the model would read it
 * (counters summed, texts as strings), for code that holds bare documents:
 * the server stores it next to the Yjs state for queries.
 */
import type * as Y from 'yjs';
import { DATA_ROOT, hasLiveKey } from '../documents/doc-entry.ts';
import { SnapshotCache } from './snapshot-cache.ts';

/** The document's value, or undefined when its data map is empty (the document does not exist). */
export function documentValue(doc: Y.Doc): unknown {
  const root = doc.getMap(DATA_ROOT);
  if (!hasLiveKey(root)) return undefined;
  return new SnapshotCache(false).read(root);
}
