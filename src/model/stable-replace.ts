/**
 * Replaces a map value with a new shared type in a way that two peers doing
 * the same replacement concurrently produce the very same Yjs items.
 *
 * Why: `increment` turns a plain number into a counter, `stringInsert` turns a
 * plain string into a `Y.Text`, and writing below a missing key creates an
 * object. If two peers do that while apart, each would create its own type,
 * one would win, and the loser's increments or characters would vanish.
 *
 * How: the new items are created under a client id derived from everything
 * that determines their content (the parent, the key, the item being replaced
 * and its state, the kind and the current value). Both peers then create
 * byte-identical items with identical ids, Yjs treats them as one, and the
 * edits each peer makes afterwards (with its own client id) all land in the
 * same type. If that derived id is already present in the document (a hash
 * collision), the replacement falls back to an ordinary one.
 */
import * as Y from 'yjs';
import type { YType } from './y-node.ts';

/** 32-bit hash (MurmurHash3 mixing over UTF-16 code units). */
function hash32(text: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function idOf(id: Y.ID): string {
  return `${id.client}:${id.clock}`;
}

/**
 * Sets `map[key] = make()` so that concurrent identical replacements merge.
 *
 * @param kind What is created (`counter`, `text`, `map`, `array`); part of the identity.
 * @param current The value being replaced (a primitive or undefined); part of the identity.
 * @param make Builds the new (not yet integrated) shared type; must depend only on `current`.
 * @returns The integrated type.
 */
export function stableReplace<T extends YType>(map: YType, key: string, kind: string, current: unknown, make: () => T): T {
  const doc = map.doc;
  if (doc === null) throw new Error('yracer: stableReplace needs an integrated map');
  const left = map._map.get(key);
  const parent = map._item === null ? `root:${Y.findRootTypeKey(map)}` : idOf(map._item.id);
  const replaced = left === undefined ? '-' : `${idOf(left.lastId)}:${left.deleted ? 'deleted' : 'alive'}`;
  const identity = `${parent}|${key}|${replaced}|${kind}|${typeof current}:${String(current)}`;
  const fakeClient = hash32(identity);
  const created = make();
  if (doc.store.clients.has(fakeClient) || fakeClient === doc.clientID) {
    (map as Y.Map<unknown>).set(key, created);
    return created;
  }
  const realClient = doc.clientID;
  Y.transact(doc, () => {
    doc.clientID = fakeClient;
    try {
      (map as Y.Map<unknown>).set(key, created);
    } finally {
      doc.clientID = realClient;
    }
  });
  return created;
}
