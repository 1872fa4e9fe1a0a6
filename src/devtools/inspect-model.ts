/**
 * `inspectModel(model)`: what a model holds right now, as plain data, for
 * devtools and debugging: its documents (loaded, held by which
 * subscriptions, pending writes, size), its live queries, its connection
 * and its conflicts.
 */
import * as Y from 'yjs';
import type { Model } from '../model/model.ts';
import type { HoldMode } from '../model/documents/sync-port.ts';
import { queriesOf } from '../model/queries/query-cache.ts';

/** One document of the model. */
export interface InspectedDocument {
  /** `collection.id`. */
  readonly path: string;
  readonly collection: string;
  readonly id: string;
  /** True for a local collection (`_page`, `_session`, ...): never synced. */
  readonly local: boolean;
  /** True while the document has a value (false for one deleted or not loaded yet). */
  readonly exists: boolean;
  /** How the model holds it from the server: subscribed, fetched, or not held (a local or leftover document). */
  readonly held: HoldMode | null;
  /** True while a local change of it is not yet stored by the server. */
  readonly pending: boolean;
}

/** One live query of the model. */
export interface InspectedQuery {
  readonly collection: string;
  readonly expression: unknown;
  /** `local` until the server's result arrived, then `complete`. */
  readonly status: string;
  /** Ids of the result documents, in order. */
  readonly ids: readonly string[];
}

/** What `inspectModel` returns. */
export interface ModelInspection {
  readonly documents: readonly InspectedDocument[];
  readonly queries: readonly InspectedQuery[];
  readonly connection: {
    readonly state: string;
    readonly url: string | null;
    readonly error: string | null;
    readonly lastSyncedAt: number | null;
  };
  /** Conflicts waiting for a decision (see docs/collaboration.md). */
  readonly conflicts: number;
}

/**
 * A plain-data picture of `model` now (documents sorted by path). Cheap
 * enough to call on every change of a small app; sizes are left to
 * `documentBytes`, which encodes the document.
 *
 * @example
 * console.table(inspectModel(model).documents);
 */
export function inspectModel(model: Model): ModelInspection {
  const store = model.store;
  const sync = store.sync;
  const holdings = sync?.holdings();
  const subscribed = new Set(holdings?.subscribe.map((ref) => `${ref.collection}.${ref.id}`));
  const fetched = new Set(holdings?.fetch.map((ref) => `${ref.collection}.${ref.id}`));
  const documents = store
    .entries()
    .map((entry): InspectedDocument => {
      const path = `${entry.collection}.${entry.id}`;
      const held = subscribed.has(path) ? 'subscribe' : fetched.has(path) ? 'fetch' : null;
      const pending = !entry.local && sync !== null && sync.hasPending({ collection: entry.collection, id: entry.id });
      return { path, collection: entry.collection, id: entry.id, local: entry.local, exists: entry.exists(), held, pending };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const queries = queriesOf(store).map((query): InspectedQuery => ({
    collection: query.collection,
    expression: query.expression,
    status: query.status,
    ids: query.getIds(),
  }));
  const { state, url, error, lastSyncedAt } = model.connection;
  return { documents, queries, connection: { state, url, error, lastSyncedAt }, conflicts: model.conflicts().length };
}

/** The size in bytes of a document's Yjs state (what a new client would download), or 0 when the model has no such document. */
export function documentBytes(model: Model, collection: string, id: string): number {
  const entry = model.store.entry(collection, id);
  return entry ? Y.encodeStateAsUpdate(entry.ydoc).byteLength : 0;
}
