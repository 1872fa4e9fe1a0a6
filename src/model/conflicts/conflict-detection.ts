/**
 * Finds the concurrent overwrites in a remote transaction on one document:
 * map keys whose value before the transaction was this client's, now
 * replaced by a remote item whose writer had not seen that value.
 *
 * How Yjs tells: every map write is an item whose `origin` is the key's last
 * item its writer knew. Concurrent writes to a key are ordered by client id
 * and the rightmost stays visible; integrating it deletes the one before it.
 * So if the key's visible item changed in this transaction and no item
 * integrated after the previous one names it as origin, nobody who replaced
 * it had seen it: a lost concurrent write. A remote write that had seen the
 * local value (a later edit), and a remote write that arrives already losing
 * (the local value stays), are not overwrites; the other peer reports the
 * latter when it receives the local write.
 *
 * Only the keys the transaction changed are looked at, and for each only the
 * items it added, so a transaction without a concurrent overwrite costs a few
 * comparisons per changed key.
 */
import * as Y from 'yjs';
import type { DocEntry } from '../documents/doc-entry.ts';
import { addedIn, aliveBefore, isCounter, mapItemBefore, mapItemValue, segmentsTo, type YType } from '../paths/y-node.ts';

/** A local value replaced by a concurrent remote write. */
export interface Overwrite {
  /** Absolute model path of the key. */
  readonly path: string;
  /** The raw value replaced (a primitive, or a Yjs type whose content is deleted now: read it as before the transaction). */
  readonly mine: unknown;
  /** The raw value now visible (a primitive or a Yjs type). */
  readonly theirs: unknown;
}

const NONE: readonly Overwrite[] = Object.freeze([]);

/** True when `id` points inside `item` (origins name the last id of the item they follow). */
function within(item: Y.Item, id: Y.ID): boolean {
  return id.client === item.id.client && id.clock >= item.id.clock && id.clock < item.id.clock + item.length;
}

/** True when some item after `item` in its key's chain was written by someone who had seen it. */
function seenByLater(item: Y.Item): boolean {
  for (let next = item.right; next !== null; next = next.right) {
    if (next.origin !== null && within(item, next.origin)) return true;
  }
  return false;
}

/** True when a type held, before the transaction, an item written by one of the own clients (at any depth). */
function holdsOwn(type: YType, tr: Y.Transaction, isOwn: (client: number) => boolean): boolean {
  const check = (item: Y.Item): boolean =>
    isOwn(item.id.client) || (item.content instanceof Y.ContentType && holdsOwn(item.content.type as YType, tr, isOwn));
  if (type instanceof Y.Map) {
    for (const key of type._map.keys()) {
      const item = mapItemBefore(type, key, tr);
      if (item !== null && check(item)) return true;
    }
    return false;
  }
  for (let item = type._start; item !== null; item = item.right) {
    if (aliveBefore(item, tr) && check(item)) return true;
  }
  return false;
}


/**
 * The overwrites of local values in a transaction that is not this model's
 * own. `isOwn(client)` tells whether an item was written by this client.
 * A replaced object, array, text or counter counts as local when this client
 * wrote it or wrote anything inside it.
 */
export function findOverwrites(entry: DocEntry, tr: Y.Transaction, isOwn: (client: number) => boolean): readonly Overwrite[] {
  let found: Overwrite[] | null = null;
  for (const [type, keys] of tr.changed) {
    if (!(type instanceof Y.Map) || isCounter(type)) continue;
    for (const key of keys) {
      if (key === null) continue;
      const now = type._map.get(key);
      if (now === undefined || now.deleted || !addedIn(now, tr)) continue;
      let before = now.left;
      while (before !== null && addedIn(before, tr)) before = before.left;
      if (before === null || !aliveBefore(before, tr)) continue;
      const content = before.content;
      const mineItself = isOwn(before.id.client);
      if (!mineItself && !(content instanceof Y.ContentType)) continue; // the common case: someone else's value
      if (seenByLater(before)) continue;
      if (!mineItself && !holdsOwn((content as Y.ContentType).type as YType, tr, isOwn)) continue;
      const segments = segmentsTo(type, entry.root);
      const modelSegments = segments === null ? null : entry.modelSegments([...segments, key]);
      if (modelSegments === null) continue;
      (found ??= []).push({ path: modelSegments.join('.'), mine: mapItemValue(before), theirs: mapItemValue(now) });
    }
  }
  return found ?? NONE;
}
