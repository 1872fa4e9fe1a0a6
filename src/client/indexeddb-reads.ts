/**
 * The records of `indexedDbStore()`'s `updates` object store and how its
 * documents are read: one `getAll` per document, or one over the index
 * range a sorted list of many documents spans.
 */
import { request } from './indexeddb-writes.ts';

/** A stored record of a document: one update, or a batch's updates of it (not merged: compaction merges them when idle). */
export type UpdateRecord = { readonly doc: string; readonly update: Uint8Array } | { readonly doc: string; readonly updates: readonly Uint8Array[] };

/** Every update of records, in order. */
export function updatesOf(records: readonly UpdateRecord[]): Uint8Array[] {
  return records.flatMap((record) => ('updates' in record ? record.updates : [record.update]));
}

/** Each document's records, one `getAll` per document. */
export async function readEach(index: IDBIndex, names: readonly string[]): Promise<Map<string, UpdateRecord[]>> {
  const found = await Promise.all(names.map((name) => request(index.getAll(name)) as Promise<UpdateRecord[]>));
  return new Map(names.map((name, i) => [name, found[i] ?? []]));
}

/** Each document's records, from one `getAll` over the index range from the first name to the last. */
export async function readRange(index: IDBIndex, keyRange: typeof IDBKeyRange, names: readonly string[]): Promise<Map<string, UpdateRecord[]>> {
  // IndexedDB orders strings by UTF-16 code units, as `<` does.
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const range = keyRange.bound(sorted[0] as string, sorted[sorted.length - 1] as string);
  const wanted = new Set(names);
  const byDoc = new Map<string, UpdateRecord[]>();
  for (const record of (await request(index.getAll(range))) as UpdateRecord[]) {
    if (!wanted.has(record.doc)) continue;
    const list = byDoc.get(record.doc);
    if (list) list.push(record);
    else byDoc.set(record.doc, [record]);
  }
  return byDoc;
}
