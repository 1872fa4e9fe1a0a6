/**
 * What an undo step may touch. An undo manager records, per captured Yjs
 * transaction, the items it inserted (undo deletes them) and deleted (undo
 * restores them). Two kinds of items are left out of that record:
 *
 * - Items of derived clients (ids at or above 2^32, see stable-replace.ts).
 *   A derived item (the counter behind the first `increment`, the `Y.Text`
 *   behind the first `stringInsert`, an implied parent object) may be shared
 *   with other peers that made the same conversion concurrently: deleting it
 *   on undo would delete their edits inside it too. Undo therefore reverts
 *   only the edits made with this client's own id inside the converted
 *   value; the converted value itself stays (an implied parent object stays,
 *   empty, when its only field is undone), and the plain value it replaced
 *   is not restored over it. Undoing an earlier step may replace a converted
 *   value this client made (doc-undo.ts lets Yjs pass over its own
 *   conversions), as undoing a write replaces what was written after it.
 * - Items outside the tracked paths of the document (when the manager tracks
 *   subtrees rather than whole documents).
 */
import * as Y from 'yjs';
import { isDerivedClient } from '../mutations/stable-replace.ts';
import type { YType } from '../paths/y-node.ts';

/** A Yjs delete set: per client, ranges of clocks. */
export type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

type ClockRange = DeleteSet['clients'] extends Map<number, Array<infer R>> ? R : never;

/** Ranges to leave out of what a captured transaction recorded. */
export interface Exclusions {
  readonly insertions: DeleteSet;
  readonly deletions: DeleteSet;
  /** The derived items the transaction created (this client's own conversions). */
  readonly conversions: DeleteSet;
}

/** Decides whether an item lies inside the tracked part of a document. */
export type ItemScope = (item: Y.Item) => boolean;

function addRange(ds: DeleteSet, client: number, clock: number, len: number): void {
  const ranges = ds.clients.get(client);
  const range = { clock, len } as ClockRange;
  if (ranges) ranges.push(range);
  else ds.clients.set(client, [range]);
}

function addItem(ds: DeleteSet, item: Y.Item): void {
  addRange(ds, item.id.client, item.id.clock, item.length);
}

/**
 * What to leave out of the transaction's record, or null when nothing of it
 * is left (the transaction changed nothing this manager tracks).
 *
 * @param scope Limits the record to tracked paths; null tracks the whole document.
 */
export function exclusionsOf(tr: Y.Transaction, scope: ItemScope | null): Exclusions | null {
  const inserted = Y.createDeleteSet();
  let derived = false;
  tr.afterState.forEach((end, client) => {
    const start = tr.beforeState.get(client) ?? 0;
    if (end <= start) return;
    addRange(inserted, client, start, end - start);
    if (isDerivedClient(client)) derived = true;
  });
  const insertions = Y.createDeleteSet();
  const deletions = Y.createDeleteSet();
  if (!derived && scope === null) {
    // The common case: everything the transaction did is this client's own and tracked.
    return inserted.clients.size > 0 || tr.deleteSet.clients.size > 0 ? { insertions, deletions, conversions: insertions } : null;
  }
  let kept = 0;
  const replaced = Y.createDeleteSet();
  Y.iterateDeletedStructs(tr, inserted, (struct) => {
    if (!(struct instanceof Y.Item)) return;
    if (isDerivedClient(struct.id.client)) {
      addItem(insertions, struct);
      // A converted map value replaced the value before it under the same key (its left neighbour).
      const left = struct.parentSub === null ? null : struct.left;
      if (left !== null && Y.isDeleted(tr.deleteSet, left.id)) addItem(replaced, left);
    } else if (scope !== null && !scope(struct)) {
      addItem(insertions, struct);
    } else {
      kept++;
    }
  });
  replaced.clients.forEach((ranges) => ranges.sort((a, b) => a.clock - b.clock)); // Y.isDeleted searches sorted ranges
  Y.iterateDeletedStructs(tr, tr.deleteSet, (struct) => {
    if (!(struct instanceof Y.Item)) return;
    if (Y.isDeleted(replaced, struct.id) || (scope !== null && !scope(struct))) addItem(deletions, struct);
    else kept++;
  });
  const conversions = Y.createDeleteSet();
  insertions.clients.forEach((ranges, client) => {
    if (isDerivedClient(client)) conversions.clients.set(client, ranges);
  });
  return kept > 0 ? { insertions, deletions, conversions } : null;
}

/** The ranges of `ds` minus those of `out` (a new set; `ds` is not changed). */
export function subtract(ds: DeleteSet, out: DeleteSet): DeleteSet {
  if (out.clients.size === 0) return ds;
  const result = Y.createDeleteSet();
  ds.clients.forEach((ranges, client) => {
    const cuts = out.clients.get(client);
    if (!cuts) {
      result.clients.set(client, ranges);
      return;
    }
    const pieces = cutRanges(sortedRanges(ranges), sortedRanges(cuts));
    if (pieces.length > 0) result.clients.set(client, pieces);
  });
  return result;
}

function sortedRanges(ranges: readonly ClockRange[]): ClockRange[] {
  return [...ranges].sort((a, b) => a.clock - b.clock);
}

/** Sweeps sorted ranges and sorted cuts (cuts may overlap) in one pass. */
function cutRanges(ranges: readonly ClockRange[], cuts: readonly ClockRange[]): ClockRange[] {
  const pieces: ClockRange[] = [];
  let first = 0;
  for (const range of ranges) {
    let start = range.clock;
    const end = range.clock + range.len;
    while (first < cuts.length && (cuts[first] as ClockRange).clock + (cuts[first] as ClockRange).len <= start) first++;
    for (let k = first; start < end && k < cuts.length; k++) {
      const cut = cuts[k] as ClockRange;
      if (cut.clock >= end) break;
      if (cut.clock > start) pieces.push({ clock: start, len: cut.clock - start } as ClockRange);
      start = Math.max(start, cut.clock + cut.len);
    }
    if (start < end) pieces.push({ clock: start, len: end - start } as ClockRange);
  }
  return pieces;
}

/**
 * An item scope for a document whose tracked parts are `specs`: Yjs key paths
 * from the root map (`['items']`, `['meta', 'title']`). An item is inside
 * when its own key path starts with one of them. Elements of arrays and
 * characters of texts have no key, so a spec can name an array or a text but
 * nothing inside one.
 */
export function scopeOf(root: YType, specs: readonly (readonly string[])[]): ItemScope {
  return (item) => {
    const chain = keyChain(item, root);
    if (chain === null) return false;
    return specs.some((spec) => spec.length <= chain.length && spec.every((key, i) => chain[i] === key));
  };
}

/** The keys from the root map down to the item (null for an array element or character), or null when the item is not below `root`. */
function keyChain(item: Y.Item, root: YType): Array<string | null> | null {
  const keys: Array<string | null> = [];
  let current: Y.Item | null = item;
  while (current !== null) {
    keys.push(current.parentSub);
    const parent: unknown = current.parent;
    if (!(parent instanceof Y.AbstractType)) return null;
    if (parent._item === null) return parent === root ? keys.reverse() : null;
    current = parent._item;
  }
  return null;
}
