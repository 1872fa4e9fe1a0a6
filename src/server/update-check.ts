/**
 * Checks a client's update against a room's document before it is applied.
 *
 * Yjs parks an update whose dependencies are missing ("pending") and
 * integrates it later, when the missing pieces arrive; an update crafted to
 * fail at that moment would then break the document for everyone. So the
 * server accepts only updates it can integrate right now: every struct starts
 * where the document (or the update itself) leaves off for its client, every
 * reference (origin, right origin, parent) points at a known struct, parents
 * are shared types, and deletions name known clocks. Then its content must
 * be what a document may hold (content-check.ts): only under the root map
 * `data`, JSON values, maps, arrays and texts, at most `MAX_DEPTH` deep.
 */
import * as Y from 'yjs';
import { DATA_ROOT } from '../model/documents/doc-entry.ts';
import { META_ROOT } from './schema-version.ts';
import { MAX_DEPTH } from '../model/paths/json-value.ts';
import { itemContentProblem, typeKind, type ParentKind } from './content-check.ts';

/**
 * Why an update is refused: `structure` when it cannot be integrated now
 * (undecodable, gaps, unknown references), `content` when it could be but
 * holds what a document may not (it can still be integrated and reverted).
 */
export interface UpdateProblem {
  readonly kind: 'structure' | 'content';
  readonly message: string;
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

/** Where a shared type sits: its kind and its level (0 for the root map `data`). */
interface TypePlace {
  readonly kind: ParentKind;
  readonly depth: number;
}

/** Where an item goes: the item itself, or the neighbour whose parent and key it takes (both are `Y.Item` fields). */
type Where = Pick<Y.Item, 'parent' | 'parentSub'>;

const structure = (message: string): UpdateProblem => ({ kind: 'structure', message });
const content = (message: string): UpdateProblem => ({ kind: 'content', message });

/**
 * Why the update cannot be accepted now, or null when it can. With
 * `metaRoot` (the server's own writes and imports, never a client's), the
 * root map `meta` is accepted too: it holds the document's schema version
 * (document-migration.ts).
 */
export function updateProblem(doc: Y.Doc, update: Uint8Array, options: { readonly metaRoot?: boolean } = {}): UpdateProblem | null {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (error) {
    return structure(`the update cannot be decoded (${error instanceof Error ? error.message : String(error)})`);
  }
  const store = doc.store;
  const covered = new Map<number, number>();
  const ownItems = new Map<number, Y.Item[]>();
  const end = (client: number): number => covered.get(client) ?? Y.getState(store, client);
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) return structure('the update has gaps (it depends on updates the server does not have)');
    const { client, clock } = struct.id;
    const known = end(client);
    if (clock > known) return structure('the update depends on updates the server does not have');
    covered.set(client, Math.max(known, clock + struct.length));
    if (struct instanceof Y.Item) {
      const list = ownItems.get(client);
      if (list) list.push(struct);
      else ownItems.set(client, [struct]);
    }
  }
  const knows = (id: Y.ID | null): boolean => id === null || id.clock < end(id.client);
  /** The item of the update or of the document at `id` (undefined for a GC'd or unknown one). */
  const itemAt = (id: Y.ID): Y.Item | undefined => {
    if (id.clock < Y.getState(store, id.client)) {
      const found = Y.getItem(store, id);
      return found instanceof Y.Item ? found : undefined;
    }
    return findCovering(ownItems.get(id.client) ?? [], id.clock);
  };
  /** True when `id` holds a shared type, or a struct of the document that was collected (Yjs collects what goes into it). */
  const isTypeAt = (id: Y.ID): boolean => {
    const item = itemAt(id);
    return item ? item.content instanceof Y.ContentType : id.clock < Y.getState(store, id.client);
  };
  for (const items of ownItems.values()) {
    for (const item of items) {
      if (!knows(item.origin) || !knows(item.rightOrigin)) return structure('the update refers to content the server does not have');
      const parent = item.parent as unknown;
      if (parent instanceof Y.ID && (!knows(parent) || !isTypeAt(parent))) return structure('the update names a parent that is not a shared type');
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    for (const range of ranges) if (range.clock + range.len > end(client)) return structure('the update deletes content the server does not have');
  }
  const rootNamed = (name: string): TypePlace | string =>
    name === DATA_ROOT || (options.metaRoot === true && name === META_ROOT) ? { kind: 'map', depth: 0 } : `the update writes to the root type "${name.slice(0, 64)}"; documents keep their fields in "${DATA_ROOT}"`;
  /**
   * Where an item goes: its parent (a root name, a parent id, or a type of
   * the document) and key. An encoded item with a left or right neighbour
   * carries neither: Yjs takes them from the neighbour when it integrates the
   * item, and collects the item when that neighbour is gone (null here).
   */
  const resolved = new Map<Y.Item, Where | null>();
  const effective = (item: Y.Item): Where | null => {
    // Most items carry their parent (a map entry, the first item of a list): no walk, nothing to remember.
    if (item.parent !== null) return item;
    const chain = new Set<Y.Item>();
    let result: Where | null = null;
    for (let at: Y.Item | undefined = item; at !== undefined; ) {
      const known = resolved.get(at);
      if (known !== undefined) {
        result = known;
        break;
      }
      if (at.parent !== null) {
        result = at;
        break;
      }
      if (chain.has(at)) break; // neighbours naming each other: nothing to integrate it into
      chain.add(at);
      const left: Y.Item | undefined = at.origin ? itemAt(at.origin) : undefined;
      at = left ?? (at.rightOrigin ? itemAt(at.rightOrigin) : undefined);
    }
    for (const link of chain) resolved.set(link, result);
    return result;
  };
  /** The item holding the type that `item` sits in, or the place of a root type (or why it has none); null when Yjs would collect it. */
  const parentOf = (item: Y.Item): Y.Item | TypePlace | string | null => {
    const where = effective(item);
    if (where === null) return null;
    const parent: unknown = where.parent;
    if (typeof parent === 'string') return rootNamed(parent);
    if (parent instanceof Y.ID) return itemAt(parent) ?? 'the update names a parent the server no longer has (deleted and collected)';
    if (parent instanceof Y.AbstractType) return parent._item ?? (doc.share.get(DATA_ROOT) === parent ? rootNamed(DATA_ROOT) : options.metaRoot === true && doc.share.get(META_ROOT) === parent ? rootNamed(META_ROOT) : 'the update writes to a root type other than "data"');
    return 'the update names an unknown parent';
  };
  const places = new Map<Y.Item, TypePlace | string | null>();
  /**
   * Where the type held by `typeItem` sits (or why nothing may go into it;
   * null when Yjs collects it), walking up at most MAX_DEPTH + 1 types.
   */
  const placeOf = (typeItem: Y.Item): TypePlace | string | null => {
    const chain: Y.Item[] = [];
    let above: TypePlace | string | null;
    for (let at = typeItem; ; ) {
      const known = places.get(at);
      if (known !== undefined) {
        above = known;
        break;
      }
      chain.push(at);
      // Also ends a cycle of parents, which a crafted update can name.
      if (chain.length > MAX_DEPTH + 1) {
        above = `the update nests values deeper than ${MAX_DEPTH} levels`;
        break;
      }
      const up = parentOf(at);
      if (!(up instanceof Y.Item)) {
        // A type Yjs collects holds nothing: what goes into it is collected too (null).
        above = up;
        break;
      }
      at = up;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i] as Y.Item;
      if (above !== null && typeof above !== 'string') {
        const kind = typeKind((link.content as Y.ContentType).type);
        if (!kind) above = 'the update writes into a type documents do not hold';
        else if (above.depth + 1 > MAX_DEPTH) above = `the update nests values deeper than ${MAX_DEPTH} levels`;
        else above = { kind, depth: above.depth + 1 };
      }
      places.set(link, above);
    }
    return above;
  };
  for (const items of ownItems.values()) {
    for (const item of items) {
      const up = parentOf(item);
      if (up === null) continue; // Yjs collects it on arrival: nothing of it is kept
      const place = up instanceof Y.Item ? placeOf(up) : up;
      if (place === null) continue;
      if (typeof place === 'string') return content(place);
      const problem = itemContentProblem(item, place.kind, place.depth + 1, effective(item)?.parentSub ?? null);
      if (problem) return content(problem);
    }
  }
  return null;
}

