/**
 * Checks a client's update against a room's document before it is applied.
 *
 * Yjs parks an update whose dependencies are missing ("pending") and
 * integrates it later, when the missing pieces arrive; an update crafted to
 * fail at that moment would then break the document for everyone. So the
 * server accepts only updates it can integrate right now: every struct starts
 * where the document (or the update itself) leaves off for its client, every
 * reference (origin, right origin, parent) points at a known struct, parents
 * are shared types, and deletions name known clocks. Values must be JSON-like
 * (no BigInt), because the server keeps each document's JSON value.
 */
import * as Y from 'yjs';

function hasBigInt(value: unknown, depth = 0): boolean {
  if (typeof value === 'bigint') return true;
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  for (const child of Object.values(value)) if (hasBigInt(child, depth + 1)) return true;
  return false;
}

/** The item (of a list sorted by clock) that covers `clock`, by binary search. */
function findCovering(items: readonly Y.Item[], clock: number): Y.Item | undefined {
  let low = 0;
  let high = items.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const item = items[mid] as Y.Item;
    if (clock < item.id.clock) high = mid - 1;
    else if (clock >= item.id.clock + item.length) low = mid + 1;
    else return item;
  }
  return undefined;
}

/** Why the update cannot be accepted now, or null when it can. */
export function updateProblem(doc: Y.Doc, update: Uint8Array): string | null {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (error) {
    return `the update cannot be decoded (${error instanceof Error ? error.message : String(error)})`;
  }
  const store = doc.store;
  const covered = new Map<number, number>();
  const ownItems = new Map<number, Y.Item[]>();
  const end = (client: number): number => covered.get(client) ?? Y.getState(store, client);
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) return 'the update has gaps (it depends on updates the server does not have)';
    const { client, clock } = struct.id;
    const known = end(client);
    if (clock > known) return 'the update depends on updates the server does not have';
    covered.set(client, Math.max(known, clock + struct.length));
    if (struct instanceof Y.Item) {
      const list = ownItems.get(client);
      if (list) list.push(struct);
      else ownItems.set(client, [struct]);
    }
  }
  const knows = (id: Y.ID | null): boolean => id === null || id.clock < end(id.client);
  const isTypeAt = (id: Y.ID): boolean => {
    if (id.clock < Y.getState(store, id.client)) {
      const found = Y.getItem(store, id);
      return !(found instanceof Y.Item) || found.content instanceof Y.ContentType;
    }
    const item = findCovering(ownItems.get(id.client) ?? [], id.clock);
    return item !== undefined && item.content instanceof Y.ContentType;
  };
  for (const items of ownItems.values()) {
    for (const item of items) {
      if (!knows(item.origin) || !knows(item.rightOrigin)) return 'the update refers to content the server does not have';
      const parent = item.parent as unknown;
      if (parent instanceof Y.ID && (!knows(parent) || !isTypeAt(parent))) return 'the update names a parent that is not a shared type';
      const content = item.content as unknown;
      if (content instanceof Y.ContentAny && content.arr.some((value) => hasBigInt(value))) return 'the update holds a BigInt, which is not JSON';
      if (content instanceof Y.ContentEmbed && hasBigInt(content.embed)) return 'the update holds a BigInt, which is not JSON';
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    for (const range of ranges) if (range.clock + range.len > end(client)) return 'the update deletes content the server does not have';
  }
  return null;
}
