/**
 * The document-facing part of a model: holding documents from the server
 * (`subscribe`, `fetch`, their releases, `unload`), what is pending and
 * loaded, the connection, presence, conflicts, queries, the undo manager,
 * bundles and `close`. `ModelBase` below it scopes, reads and listens;
 * refs, the `*Promised` names, reactive functions and the mutators build on
 * it.
 */
import type { Conflict, ConflictChoice } from './conflicts/conflict.ts';
import { ModelBase } from './model-base.ts';
import { createBundle, type ModelBundle } from './model-bundle.ts';
import { isLocalCollection, pathProblem, splitPath, type Subpath } from './paths/path.ts';
import type { WriteCallback } from './mutations/write-scope.ts';
import { setValue } from './mutations/value-mutations.ts';
import { docRefs, type HoldItem } from './documents/hold-items.ts';
import { UndoManager, undoPaths, type UndoManagerOptions } from './undo/undo-manager.ts';
import type { QueryExpression } from '../query/query-expression.ts';
import { queryFor } from './queries/query-cache.ts';
import type { Query } from './queries/query.ts';
import { LOCAL_CONNECTION, type ConnectionStatus, type HoldMode } from './documents/sync-port.ts';
import type { Presence } from './presence/presence.ts';
import { presenceFor } from './presence/presence-for.ts';

/** Holding, sync state, presence, conflicts, queries, undo and bundles, over `ModelBase`. */
export abstract class ModelSync extends ModelBase {
  /**
   * The open conflicts at `subpath` (relative to this model) or below it,
   * oldest first: remote writes that replaced a value this client wrote
   * concurrently, whose writer had not seen it. Concurrent increments, array
   * inserts and text edits merge and are never conflicts. A conflict stays
   * open until `resolveConflict`, until this client writes at, above or
   * below its path again, or until its document leaves the model; at most
   * 1,000 stay open (the oldest go first). The same array is returned while
   * the list does not change, so it can be a `useSyncExternalStore` snapshot.
   *
   * @example
   * for (const { path, mine, theirs } of model.conflicts('todos')) console.log(path, mine, theirs);
   */
  conflicts(subpath?: Subpath): readonly Conflict[] {
    return this.store.conflicts.list(this.path(subpath));
  }

  /**
   * Settles an open conflict: `'mine'` writes the local value again at its
   * path (an ordinary `set`, synced like any write; `callback` hears when it
   * is stored), `'theirs'` keeps the remote value. Either way the conflict
   * closes. Returns false when no conflict with this id is open.
   *
   * @example
   * const [conflict] = model.conflicts();
   * if (conflict) model.resolveConflict(conflict.id, 'mine');
   */
  resolveConflict(id: string, choice: ConflictChoice, callback?: WriteCallback): boolean {
    if (choice !== 'mine' && choice !== 'theirs') {
      throw new TypeError(`yracer resolveConflict(): the choice must be 'mine' or 'theirs', got ${String(choice)}`);
    }
    const conflict = this.store.conflicts.get(id);
    if (!conflict) return false;
    if (choice === 'mine') setValue(this, conflict.path, conflict.mine, callback);
    this.store.conflicts.remove(id);
    this.store.conflicts.flush();
    return true;
  }

  /**
   * Calls `onChange` (with no arguments) after every change of the open
   * conflicts; returns the function that stops it. Read the list with
   * `conflicts()`.
   *
   * @example
   * const stop = model.watchConflicts(() => render(model.conflicts()));
   */
  watchConflicts(onChange: () => void): () => void {
    if (typeof onChange !== 'function') throw new TypeError('yracer watchConflicts(): the listener must be a function');
    return this.store.conflicts.watch(onChange);
  }

  /**
   * Subscribes to documents (paths relative to this model, scoped models, or
   * arrays of them; none means this model's own document). Resolves once the
   * server has sent them; later changes keep arriving until `unsubscribe`.
   * Subscriptions are reference counted; a local model resolves at once.
   *
   * @example
   * await model.subscribe('todos.a1', model.at('todos.a2'));
   */
  subscribe(...items: HoldItem[]): Promise<void> {
    return this.#hold('subscribe', items);
  }

  /** Loads documents once (no later changes); reference counted like `subscribe`. */
  fetch(...items: HoldItem[]): Promise<void> {
    return this.#hold('fetch', items);
  }

  /** Releases subscriptions; a document leaves the model after the unload delay once nothing holds it. */
  unsubscribe(...items: HoldItem[]): Promise<void> {
    return this.#release('unsubscribe', 'subscribe', items);
  }

  /** Releases fetches, like `unsubscribe`. */
  unfetch(...items: HoldItem[]): Promise<void> {
    return this.#release('unfetch', 'fetch', items);
  }

  /** Releases everything this model subscribed to or fetched. */
  unload(): Promise<void> {
    return this.store.sync?.releaseAll() ?? Promise.resolve();
  }

  // async: bad items reject the returned promise instead of throwing.
  async #hold(method: string, items: readonly HoldItem[]): Promise<void> {
    const refs = docRefs(method, this.path(), items);
    const sync = this.store.sync;
    if (sync && refs.length > 0) await sync.hold(refs, method === 'fetch' ? 'fetch' : 'subscribe');
  }

  async #release(method: string, mode: HoldMode, items: readonly HoldItem[]): Promise<void> {
    await this.store.sync?.release(docRefs(method, this.path(), items), mode);
  }

  /**
   * A query over a collection (Mongo-style; see docs/queries.md). Identical
   * arguments return the same `Query` while it is in use. Its result is
   * evaluated over the documents this model holds at once; `subscribe()` or
   * `fetch()` run it on the server too. An invalid expression is a
   * `TypeError` naming the problem.
   *
   * @example
   * const q = model.query<Todo>('todos', { done: false, $sort: { createdAt: -1 }, $limit: 50 });
   * await q.subscribe();
   * const left = model.query('todos', { done: false, $count: true }); // left.get() is a number
   */
  query(collection: string, expression: QueryExpression & { readonly $count: true }): Query<number>;
  query<T = unknown>(collection: string, expression?: QueryExpression): Query<readonly T[]>;
  query(collection: string, expression: QueryExpression = {}): Query<number> | Query<readonly unknown[]> {
    return queryFor<readonly unknown[]>(this.store, collection, expression);
  }

  /**
   * An undo manager for this model's own changes at `paths` (relative to this
   * model; its own path when omitted, so the root model tracks every synced
   * document). A path names a collection, a document or a field below one
   * (by object keys: a path into an array element tracks nothing); documents
   * that enter the model later are tracked too. Local collections
   * (`_page`) are tracked only when a path names them. Changes less than
   * `captureTimeoutMs` (500) apart form one step, across documents. Changes
   * made by other users are never undone. Call `destroy()` when done.
   *
   * @example
   * const history = model.undoManager(['todos', '_page.draft']);
   * model.set('todos.a1.done', true);
   * history.undo(); // todos.a1.done is back
   */
  undoManager(paths?: Subpath | readonly Subpath[], options?: UndoManagerOptions): UndoManager {
    return new UndoManager(this.store, undoPaths(this.path(), paths), options);
  }

  /** Resolves once every local change is stored by the server (at once for a local model). */
  whenNothingPending(): Promise<void> {
    return this.store.sync?.whenNothingPending() ?? Promise.resolve();
  }

  /**
   * Resolves once every local change made so far is committed to the offline
   * store (IndexedDB in a browser, docs/offline.md), so it survives a reload
   * or a closed tab before the server has it; rejects when storing it failed.
   * Resolves at once without an offline store (a local model, Node,
   * `offline: false`).
   *
   * @example
   * model.add('todos', { title: 'milk' });
   * await model.whenStoredOffline(); // a reload now keeps it
   */
  whenStoredOffline(): Promise<void> {
    return this.store.sync?.whenStoredOffline() ?? Promise.resolve();
  }

  /**
   * True while a local change is not yet stored by the server: of the
   * document at or above `subpath` when given, else of any document.
   */
  hasPending(subpath?: Subpath): boolean {
    const sync = this.store.sync;
    if (!sync) return false;
    if (subpath === undefined) return sync.hasPending();
    const [collection, id] = this.docSegments('hasPending', subpath);
    return sync.hasPending({ collection, id });
  }

  /**
   * How many documents have a local change not yet stored by the server
   * (0 without a server). A write that touches two documents counts twice;
   * many writes to one document count once. `connection.watch` listeners
   * hear each change of this count.
   *
   * @example
   * const unsaved = model.pendingCount(); // "3 changes not saved yet"
   */
  pendingCount(): number {
    return this.store.sync?.pendingCount() ?? 0;
  }

  /**
   * True when the document at or above `subpath` (this model's own path when
   * omitted) has its state from its source: the server answered a subscribe
   * or fetch, or a bundle carried it. For a collection path: true when every
   * document of it the model holds is loaded. Always true for a model without
   * a server and for local collections. A loaded document may still not exist.
   */
  isLoaded(subpath?: Subpath): boolean {
    const path = this.path(subpath);
    const segments = splitPath(path);
    if (segments.length === 1 && !pathProblem(segments)) {
      return !this.store.sync || this.store.entries(segments[0]).every((entry) => entry.loaded);
    }
    const [collection, id] = this.docSegments('isLoaded', subpath);
    if (!this.store.sync) return true;
    const entry = this.store.entry(collection, id);
    return entry ? entry.loaded : isLocalCollection(collection);
  }

  /**
   * Serializes what this model loaded (documents with their Yjs state, local
   * `_` values, subscriptions) for `createModel({ bundle })` in another
   * process: the server-side render hands it to the browser.
   *
   * @example
   * await model.subscribe('todos.a1');
   * const html = renderToString(<SyncProvider model={model}><App /></SyncProvider>);
   * const bundle = await model.bundle();
   */
  async bundle(): Promise<ModelBundle> {
    return createBundle(this.store);
  }

  /** Opens the connection of a model created with `connect: false` (nothing otherwise). */
  connect(): void {
    this.store.sync?.connect();
  }

  /**
   * The connection to the server: `state` (`connecting`, `online`,
   * `offline`), `url`, `error`, `lastSyncedAt`, `on(listener)` and
   * `watch(listener)`.
   */
  get connection(): ConnectionStatus {
    return this.store.sync?.connection ?? LOCAL_CONNECTION;
  }

  /**
   * The presence (awareness) of the document at or above this model's path:
   * `set(state)`, `update(partial)`, `me`, `others()`, `subscribe(listener)`.
   * The same object for every model of this document. It holds the document
   * subscribed while in use; see `Presence`. On a model scoped to the root or
   * a collection it throws an `Error` saying it needs a document.
   *
   * @example
   * const presence = model.at('rooms.r1').presence;
   * presence.set({ name: 'Ada' });
   * presence.subscribe(() => console.log(presence.others().map((peer) => peer.state.name)));
   */
  get presence(): Presence {
    const [collection, id] = this.docSegments('presence', undefined, "presence belongs to a document: use model.at('collection.docId').presence");
    return presenceFor(this.store, collection, id);
  }

  /** Closes the connection, destroys every document and removes every listener. */
  close(): void {
    this.store.close();
  }
}
