/**
 * One document of the model: its `Y.Doc` and where its value lives.
 *
 * A synced document keeps its fields in the root map `data`, so stock Yjs
 * clients can work on it; it exists while that map has at least one key.
 * A local document (`_page.x`, `$connection.state`) may hold any JSON value,
 * stored under the key `v` of the root map `local`, and is never synced.
 */
import * as Y from 'yjs';
import { isLocalCollection } from '../paths/path.ts';
import type { YType } from '../paths/y-node.ts';

/** The root map name of synced documents. */
export const DATA_ROOT = 'data';
/** The root map name of local documents. */
export const LOCAL_ROOT = 'local';
/** The key of a local document's value inside its root map. */
export const LOCAL_VALUE_KEY = 'v';

/** A document held by a model store. */
export class DocEntry {
  /** Collection name. */
  readonly collection: string;
  /** Document id. */
  readonly id: string;
  /** `collection.id`. */
  readonly path: string;
  /** True for `_` and `$` collections (memory only). */
  readonly local: boolean;
  /** The document's Yjs document (guid `collection/id`). */
  readonly ydoc: Y.Doc;
  /** The root map holding the document's value. */
  readonly root: Y.Map<unknown>;
  /** Yjs keys from the root map to the document value (`[]` synced, `['v']` local). */
  readonly base: readonly string[];
  /** True once the document's state came from its source (a server, a bundle); always true for local documents. */
  loaded: boolean;

  constructor(collection: string, id: string, ydoc?: Y.Doc) {
    this.collection = collection;
    this.id = id;
    this.path = `${collection}.${id}`;
    this.local = isLocalCollection(collection);
    this.ydoc = ydoc ?? new Y.Doc({ guid: `${collection}/${id}` });
    this.root = this.ydoc.getMap(this.local ? LOCAL_ROOT : DATA_ROOT);
    this.base = this.local ? [LOCAL_VALUE_KEY] : [];
    this.loaded = this.local;
  }

  /** Yjs segments (from the root map) for model segments below the document. */
  ySegments(rest: readonly string[]): string[] {
    return this.local ? [LOCAL_VALUE_KEY, ...rest] : [...rest];
  }

  /** Model path segments for Yjs segments from the root map, or null if they are outside the value. */
  modelSegments(ySegments: readonly string[]): string[] | null {
    if (this.local && ySegments[0] !== LOCAL_VALUE_KEY) return null;
    const rest = this.local ? ySegments.slice(1) : ySegments;
    return [this.collection, this.id, ...rest];
  }

  /** True when the document has a value. */
  exists(): boolean {
    if (this.local) {
      const item = this.root._map.get(LOCAL_VALUE_KEY);
      return item !== undefined && !item.deleted;
    }
    return hasLiveKey(this.root);
  }
}

/** True when a map has at least one key that is not deleted. */
export function hasLiveKey(map: YType): boolean {
  for (const item of map._map.values()) if (!item.deleted) return true;
  return false;
}
