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
 * and its state, the kind and the current value, encoded without ambiguity).
 * Both peers then create byte-identical items with identical ids, Yjs treats
 * them as one, and the edits each peer makes afterwards (with its own client
 * id) all land in the same type. Derived ids are 53-bit numbers at or above
 * 2^32, so they never equal a real Yjs client id (random 32-bit numbers), and
 * two different conversions share one with probability about 2^-53 per pair.
 * If the derived id is already present in the document, the replacement falls
 * back to an ordinary one.
 */
import * as Y from 'yjs';
import type { YType } from '../paths/y-node.ts';

/** Lowest derived client id: real Yjs client ids are random 32-bit numbers, so derived ones never meet them. */
const DERIVED_BASE = 2 ** 32;
/** How many derived ids there are (2^53 - 2^32, all exactly representable). */
const DERIVED_SPAN = Number.MAX_SAFE_INTEGER - DERIVED_BASE;

/** 53-bit hash of a string (two independent 32-bit lanes, cyrb53 style). */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** True for a client id made by `derivedClientId` (shared by every peer making the same conversion). */
export function isDerivedClient(client: number): boolean {
  return client >= DERIVED_BASE;
}

/** The client id for a conversion, in [2^32, 2^53): above every real (32-bit) Yjs client id. */
export function derivedClientId(identity: readonly unknown[]): number {
  return DERIVED_BASE + (hash53(JSON.stringify(identity)) % DERIVED_SPAN);
}

function idOf(id: Y.ID): [number, number] {
  return [id.client, id.clock];
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
  const parent = map._item === null ? ['root', Y.findRootTypeKey(map)] : idOf(map._item.id);
  const replaced = left === undefined ? null : [...idOf(left.lastId), left.deleted];
  const fakeClient = derivedClientId([parent, key, replaced, kind, typeof current, current ?? null]);
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
