/**
 * The non-mutating half of a model: scoping (`at`, `scope`, `parent`, `path`,
 * `leaf`), reading (`get`, `getOrDefault`, `getOrThrow`, `getValues`,
 * `getCopy`, `getDeepCopy`), events (`on`, `removeListener`) and access to the
 * underlying `Y.Doc`s. `ModelSync` adds holding documents, sync state,
 * presence, conflicts, queries and bundles; `Model` adds the mutators.
 */
import type { WriteErrorListener } from './mutations/write-errors.ts';
import type * as Y from 'yjs';
import type { BusListener } from './events/event-bus.ts';
import type { ConflictListener } from './conflicts/conflict.ts';
import { newId } from './mutations/document-mutations.ts';
import type { ListenableType, Listener, Passed } from './events/model-event.ts';
import { EVENT_TYPES } from './events/model-event.ts';
import { modelError } from './model-error.ts';
import type { ModelStore } from './documents/model-store.ts';
import { joinPath, pathProblem, splitPath, type Subpath } from './paths/path.ts';
import { patternProblem } from './events/pattern-trie.ts';
import type { WriteScope } from './mutations/write-scope.ts';
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
    const [collection, id] = this.docSegments('yDoc', subpath);
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
    const segments = racerRest(splitPath(full));
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

  /** @internal The collection and id of the document at or above `subpath`; an `Error` (`notADocument` as reason) above documents. */
  protected docSegments(method: string, subpath: Subpath | undefined, notADocument = 'the path must name a document'): [string, string] {
    const path = this.path(subpath);
    const segments = splitPath(path);
    const problem = pathProblem(segments);
    const [collection, id] = segments;
    if (problem || collection === undefined || id === undefined) {
      throw modelError('error', method, path, problem ? `invalid path: ${problem}` : notADocument);
    }
    return [collection, id];
  }
}

/** Racer's `list**` (a last segment ending in `**`) is `list.**`: the path itself and everything below. */
function racerRest(segments: string[]): string[] {
  const last = segments[segments.length - 1];
  if (last === undefined || last.length <= 2 || !last.endsWith('**')) return segments;
  return [...segments.slice(0, -1), last.slice(0, -2), '**'];
}
