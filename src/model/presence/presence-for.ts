/**
 * `presenceFor(store, collection, id)`: the one `Presence` of a document per
 * model store, opened by the store's sync port when it has one (reaching
 * the other clients), else local; and the list of those opened.
 */
import type { ModelStore } from '../documents/model-store.ts';
import { isLocalCollection } from '../paths/path.ts';
import type { Presence } from './presence.ts';
import { LocalPresence } from './presence-base.ts';

const presences = new WeakMap<ModelStore, Map<string, Presence>>();

/** The presences a model store opened so far, by document path (devtools list them). */
export function openedPresences(store: ModelStore): Array<[path: string, presence: Presence]> {
  return [...(presences.get(store) ?? [])];
}

/**
 * The presence of a document of a model store: one per document, opened by
 * the store's sync port when it has one, else local.
 */
export function presenceFor(store: ModelStore, collection: string, id: string): Presence {
  const path = `${collection}.${id}`;
  if (store.closed) throw new Error(`yracer presence('${path}'): the model is closed`);
  let byPath = presences.get(store);
  if (!byPath) presences.set(store, (byPath = new Map()));
  let presence = byPath.get(path);
  if (!presence) {
    const sync = isLocalCollection(collection) ? null : store.sync;
    presence = sync?.openPresence ? sync.openPresence({ collection, id }) : new LocalPresence(path, () => store.closed);
    byPath.set(path, presence);
  }
  return presence;
}
