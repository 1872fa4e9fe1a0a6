/**
 * The non-mutating half of a model: scoping (`at`, `scope`, `parent`, `path`,
 * `leaf`), reading (`get`, `getOrDefault`, `getOrThrow`, `getValues`,
 * `getCopy`, `getDeepCopy`), events (`on`, `removeListener`) and access to the
 * underlying `Y.Doc`s. `Model` adds the mutators.
 */
import type { WriteErrorListener } from './mutations/write-errors.ts';
import type * as Y from 'yjs';
import type { BusListener } from './events/event-bus.ts';
import type { Conflict, ConflictChoice, ConflictListener } from './conflicts/conflict.ts';
import { newId } from './mutations/document-mutations.ts';
import type { ListenableType, Listener, Passed } from './events/model-event.ts';
import { EVENT_TYPES } from './events/model-event.ts';
import { modelError } from './model-error.ts';
import type { ModelStore } from './documents/model-store.ts';
import { createBundle, type ModelBundle } from './model-bundle.ts';
import { isLocalCollection, joinPath, pathProblem, splitPath, type Subpath } from './paths/path.ts';
import { patternProblem } from './events/pattern-trie.ts';
import type { WriteCallback, WriteScope } from './mutations/write-scope.ts';
import { setValue } from './mutations/value-mutations.ts';
import { docRefs, type HoldItem } from './documents/hold-items.ts';
import { UndoManager, undoPaths, type UndoManagerOptions } from './undo/undo-manager.ts';
import type { QueryExpression } from '../query/query-expression.ts';
import { queryFor } from './queries/query-cache.ts';
import type { Query } from './queries/query.ts';
import { LOCAL_CONNECTION, type ConnectionStatus, type HoldMode } from './documents/sync-port.ts';
import type { Presence } from './presence/presence.ts';
import { presenceFor } from './presence/presence-for.ts';
import { deepCopy, orDefault, orThrow, shallowCopy, valuesOf } from './paths/value-reads.ts';
import { readValue } from './refs/ref-resolve.ts';

const EMPTY_PASSED: Passed = Object.freeze({});

/** Scoping, reading and events shared by every model; see `Model` for the mutators. */
export abstract class ModelBase implements WriteScope {
  /** @internal The state shared with the root model and every scoped model. */
  readonly store: ModelStore;
  /** @internal Data passed to listeners by this model's writes. */
  readonly passed: Passed;
  /** @internal True when this model's writes emit no events. */
  readonly muted: boolean;
  readonly #at: string;

  /** @internal Use `createModel()`. */
  constructor(store: ModelStore, at = '', passed: Passed = EMPTY_PASSED, muted = false) {
    this.store = store;
    this.#at = at;
    this.passed = passed;
    this.muted = muted;
  }

  /** @internal Makes a model of the concrete class sharing this store. */
  protected abstract derive(at: string, passed: Passed, muted: boolean): this;

  /**
   * A model scoped below this one: its paths are relative to `subpath`.
   *
   * @example
   * const $todo = model.at('todos.a1');
   * $todo.set('done', true); // sets todos.a1.done
   * model.at('todos', id, 'tags', 0); // several segments are joined, as Racer does
   */
  at(...subpaths: Subpath[]): this {
    return this.derive(subpaths.reduce<string>((path, subpath) => joinPath(path, subpath), this.path()), this.passed, this.muted);
  }

  /**
   * A model scoped at an absolute path (the root when omitted); several
   * segments are joined (`model.scope('todos', id)`).
   */
  scope(...paths: Subpath[]): this {
    return this.derive(paths.reduce<string>((path, segment) => joinPath(path, segment), ''), this.passed, this.muted);
  }

  /** The model `levels` segments above this one (1 by default). */
  parent(levels = 1): this {
    const segments = splitPath(this.#at);
    return this.derive(segments.slice(0, Math.max(0, segments.length - levels)).join('.'), this.passed, this.muted);
  }

  /** The absolute path of this model, or of a subpath below it. */
  path(subpath?: Subpath): string {
    return joinPath(this.#at, subpath);
  }

  /** The last segment of this model's path (or of a subpath below it). */
  leaf(subpath?: Subpath): string {
    const segments = splitPath(this.path(subpath));
    return segments[segments.length - 1] ?? '';
  }

  /**
   * A model whose writes hand `data` to listeners as `event.passed` (merged
   * with data passed before). The data is never synced.
   */
  pass(data: Readonly<Record<string, unknown>>): this {
    return this.derive(this.#at, Object.freeze({ ...this.passed, ...data }), this.muted);
  }

  /** A model whose writes emit no events on this model (other peers still see them). */
  silent(value = true): this {
    return this.derive(this.#at, this.passed, value);
  }

  /**
   * The immutable snapshot at a path (relative to this model), or undefined.
   * Snapshots are structurally shared: parts that did not change keep their
   * identity between reads. Use the type parameter to state what you expect.
   */
  get<T = unknown>(subpath?: Subpath): T | undefined {
    const path = this.path(subpath);
    const segments = splitPath(path);
    const problem = pathProblem(segments);
    if (problem) throw modelError('error', 'get', path, `invalid path: ${problem}`);
    return readValue(this.store, segments, path) as T | undefined; // through refs; `list.length` as in Racer
  }

  /**
   * The value at a path, or `fallback` when it is undefined or null (the
   * value itself is never written).
   *
   * @example
   * const filter = model.getOrDefault('_page.filter', 'all');
   */
  getOrDefault<T>(subpath: Subpath | undefined, fallback: T): T {
    return orDefault(this.get<T>(subpath), fallback);
  }

  /** The value at a path; throws a `RangeError` naming the path when it is undefined or null. */
  getOrThrow<T = unknown>(subpath?: Subpath): T {
    return orThrow(this.get<T>(subpath), this.path(subpath));
  }

  /**
   * The values of the object at a path as a new array (the documents of a
   * collection, say); the elements of an array; `[]` when nothing is there.
   * Throws a `TypeError` for a string, number or boolean.
   */
  getValues<T = unknown>(subpath?: Subpath): T[] {
    return valuesOf(this.get(subpath), this.path(subpath)) as T[];
  }

  /** A shallow, mutable copy of the value at a path (snapshots are frozen): a new array or object with the same children. */
  getCopy<T = unknown>(subpath?: Subpath): T | undefined {
    return shallowCopy(this.get<T>(subpath));
  }

  /** A deep, mutable copy of the value at a path. */
  getDeepCopy<T = unknown>(subpath?: Subpath): T | undefined {
    return deepCopy(this.get<T>(subpath));
  }

  /** A new random document id (16 characters of base 62). */
  id(): string {
    return newId();
  }

  /**
   * The `Y.Doc` of the document at or above the path, created when missing.
   * Edits made directly on it (for example by an editor binding) emit model
   * events like any other change.
   */
  yDoc(subpath?: Subpath): Y.Doc {
    const [collection, id] = this.#docSegments('yDoc', subpath);
    return this.store.ensureEntry(collection, id).ydoc;
  }

  /**
   * Listens for events of a type (`'all'` for every type) at paths matching a
   * pattern relative to this model. `*` matches one segment; a trailing `**`
   * matches the rest of the path (including nothing). Without a pattern the
   * listener hears everything at and below this model's path. Returns the
   * listener, for `removeListener`. `'conflict'` listeners get a `Conflict`
   * whenever a remote write replaces a value this client wrote concurrently
   * (see `conflicts()`); `'all'` does not include conflicts. `'error'`
   * listeners hear, at the document's path, a write the server refused (a
   * rule or the schema): by then the document is back at the server's state.
   *
   * @example
   * model.on('change', 'todos.*.done', (event, [id]) => console.log(id, event.value));
   * model.on('conflict', 'todos.**', (conflict) => console.log('lost', conflict.mine, 'at', conflict.path));
   */
  on<T extends ListenableType>(type: T, pattern: string, listener: Listener<T>): Listener<T>;
  on<T extends ListenableType>(type: T, listener: Listener<T>): Listener<T>;
  on<T extends ListenableType>(type: T, patternOrListener: string | Listener<T>, maybeListener?: Listener<T>): Listener<T> {
    const listener = typeof patternOrListener === 'function' ? patternOrListener : maybeListener;
    const pattern = typeof patternOrListener === 'string' ? patternOrListener : '**';
    if (type !== 'all' && type !== 'conflict' && type !== 'error' && !EVENT_TYPES.includes(type)) {
      throw new TypeError(`yracer on(): unknown event type "${String(type)}"`);
    }
    if (typeof listener !== 'function') throw new TypeError('yracer on(): the listener must be a function');
    const full = this.path(pattern);
    const segments = splitPath(full);
    const problem = patternProblem(segments);
    if (problem) throw new Error(`yracer on('${type}', '${full}'): invalid pattern: ${problem}`);
    if (type === 'conflict') this.store.conflicts.on(segments, listener as ConflictListener);
    else if (type === 'error') this.store.writeErrors.on(segments, listener as WriteErrorListener);
    else this.store.bus.on(type, segments, listener as BusListener);
    return listener;
  }

  /** Stops a listener returned by `on`; returns true when it was registered. */
  removeListener<T extends ListenableType>(listener: Listener<T>): boolean {
    const heardConflicts = this.store.conflicts.off(listener as ConflictListener);
    const heardErrors = this.store.writeErrors.off(listener as WriteErrorListener);
    return this.store.bus.off(listener as BusListener) || heardConflicts || heardErrors;
  }

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
    const [collection, id] = this.#docSegments('hasPending', subpath);
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
    const [collection, id] = this.#docSegments('isLoaded', subpath);
    if (!this.store.sync) return true;
    const entry = this.store.entry(collection, id);
    return entry ? entry.loaded : isLocalCollection(collection);
  }

  /** The collection and id of the document at or above `subpath`; an `Error` (`notADocument` as reason) above documents. */
  #docSegments(method: string, subpath: Subpath | undefined, notADocument = 'the path must name a document'): [string, string] {
    const path = this.path(subpath);
    const segments = splitPath(path);
    const problem = pathProblem(segments);
    const [collection, id] = segments;
    if (problem || collection === undefined || id === undefined) {
      throw modelError('error', method, path, problem ? `invalid path: ${problem}` : notADocument);
    }
    return [collection, id];
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
    const [collection, id] = this.#docSegments('presence', undefined, "presence belongs to a document: use model.at('collection.docId').presence");
    return presenceFor(this.store, collection, id);
  }

  /** Closes the connection, destroys every document and removes every listener. */
  close(): void {
    this.store.close();
  }
}
