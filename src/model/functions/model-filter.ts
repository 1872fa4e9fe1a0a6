/**
 * `model.filter()` and `model.sort()`: a live, filtered and sorted list of
 * the items of a collection, an object or an array. While something listens
 * (`on('change')`, `refIds`, the `useFilter` hook) the result is kept up to
 * date one item at a time: a change inside one item re-tests only that item
 * and moves it with a binary search (see filter-index.ts); a change of an
 * additional input, or of the whole input, filters everything again.
 * Otherwise `get()` evaluates the current values when they changed.
 */
import type { ModelEvent, Passed } from '../events/model-event.ts';
import { modelError } from '../model-error.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { isLocalCollection, splitPath } from '../paths/path.ts';
import { affects, watchPaths } from '../paths/path-watch.ts';
import { FilterIndex, movesWindow } from './filter-index.ts';
import { filterEntries, filterWindow, type FilterFunction, type FilterSpec, type SortFunction } from './filter-options.ts';
import { writeIds, type SingleMove } from './filter-ids.ts';
import { lazyView } from '../paths/lazy-view.ts';
import { functionsOf } from './reactive-functions.ts';
import { addRefList, removeRef } from '../refs/ref-methods.ts';
import { setArrayDiff } from '../mutations/set-array-diff.ts';
import { delValue } from '../mutations/value-mutations.ts';
import { depthOf, MAX_REACTIVE_DEPTH, originOf, originScope } from '../mutations/write-origin.ts';

const NO_ITEMS: readonly never[] = Object.freeze([]);
const NOTHING_PASSED: Passed = Object.freeze({});

/**
 * A live filtered and sorted view of the items at a path. Make one with
 * `model.filter(path, ...inputs, options?, fn)` or `model.sort(path, fn)`.
 *
 * @example
 * const open = model.filter('todos', (todo: Todo) => !todo.done).sort((a: Todo, b: Todo) => a.rank - b.rank);
 * const stop = open.on('change', () => render(open.get()));
 */
export class Filter<T = unknown> {
  /** The input path (a collection, an object or an array). */
  readonly path: string;
  /** The additional input paths, whose values the filter function gets after `items`. */
  readonly inputs: readonly string[];
  readonly #store: ModelStore;
  readonly #source: readonly string[];
  readonly #inputSegments: ReadonlyArray<readonly string[]>;
  readonly #skip: number;
  readonly #limit: number;
  #test: FilterFunction | null = null;
  #sort: SortFunction | null = null;
  /** While attached: the incremental result and what changed since the last flush. */
  #index: FilterIndex | null = null;
  #unwatch: (() => void) | null = null;
  readonly #dirty = new Set<string>();
  #all = false;
  #depth = 0;
  readonly #listeners = new Set<() => void>();
  readonly #outputs = new Set<string>();
  /** Paths made ref lists of the result by `ref(path)`. */
  readonly #refs = new Set<string>();
  #ids: readonly string[] = NO_ITEMS;
  #items: readonly T[] = NO_ITEMS;
  /** True when the index changed in the window since `#ids` and `#items` were taken from it. */
  #stale = false;
  /** While detached: what the last evaluation read. */
  #read: readonly unknown[] | null = null;

  /** @internal Use `model.filter()` or `model.sort()`. */
  constructor(store: ModelStore, spec: FilterSpec) {
    this.#store = store;
    this.path = spec.path;
    this.inputs = spec.inputs;
    this.#source = splitPath(spec.path);
    this.#inputSegments = spec.inputs.map(splitPath);
    ({ skip: this.#skip, limit: this.#limit } = filterWindow(spec));
  }

  /** Sets the filter function (or the name given to `model.fn`); null keeps every item. Returns this filter. */
  filter(fn: FilterFunction<T> | string | null): this {
    this.#test = fn === null ? null : (this.#resolve('filter', fn) as FilterFunction);
    this.#restart();
    return this;
  }

  /** Sets the sort function (or a name: `'asc'` by default, `'desc'`, or one given to `model.fn`). Returns this filter. */
  sort(fn: SortFunction<T> | string = 'asc'): this {
    this.#sort = this.#resolve('sort', fn) as SortFunction;
    this.#restart();
    return this;
  }

  /** The matching items in order (within `skip` and `limit`): the same frozen array while the result does not change. */
  get(): readonly T[] {
    this.#update();
    return this.#items;
  }

  /** The keys (document ids, object keys or array indices) of `get()`'s items, in order; the same array while they do not change. */
  ids(): readonly string[] {
    this.#update();
    return this.#ids;
  }

  /**
   * Calls `listener` after every change of the result (once per change of
   * the model, after its events). Returns the function that stops it. The
   * filter follows the model incrementally while it has listeners.
   */
  on(type: 'change', listener: () => void): () => void {
    if (type !== 'change') throw new TypeError(`yracer filter.on(): the only event is 'change', got ${String(type)}`);
    if (typeof listener !== 'function') throw new TypeError('yracer filter.on(): the listener must be a function');
    const fn = (): void => listener();
    this.#listeners.add(fn);
    this.#attach();
    return () => {
      if (this.#listeners.delete(fn)) this.#maybeDetach();
    };
  }

  /**
   * Keeps the result's ids at a local path (`_page.openIds`; absolute, as
   * Racer's `ref` takes it), written with
   * `setArrayDiff` so a change is one insert, remove or move there, until
   * `destroy()`. Returns this filter.
   */
  refIds(path: string): this {
    const segments = splitPath(path);
    if (segments.length < 2 || !isLocalCollection(segments[0] as string)) {
      throw modelError('error', 'refIds', path, 'the ids go to a local path (a "_" or "$" collection, such as _page.ids)');
    }
    this.#outputs.add(path);
    this.#attach();
    this.#update();
    setArrayDiff(originScope(this.#store, NOTHING_PASSED, this, 1), path, this.#ids, 'identity');
    return this;
  }

  /**
   * Makes `path` a live list of the result's items, as Racer's `filter.ref`:
   * a ref list (`model.refList`) over the filter's input whose ids the
   * filter keeps at a hidden local path (`$filters.<path, dots as ~>`).
   * `get(path)` is the items in the result's order, and writes to
   * `path.<i>.field` go to the documents. `destroy()` removes it.
   *
   * @example
   * model.filter('todos', (todo: Todo) => !todo.done).sort('byTitle').ref('_page.open');
   * model.get('_page.open.0.title');
   */
  ref(path: string): this {
    const idsPath = `$filters.${path.replaceAll('.', '~')}`;
    this.refIds(idsPath);
    addRefList(this.#store, path, this.path, idsPath);
    this.#refs.add(path);
    return this;
  }

  /** Stops following the model: listeners are dropped, `ref` lists removed and the `refIds` paths deleted. */
  destroy(): void {
    for (const path of this.#refs) removeRef(this.#store, path);
    this.#refs.clear();
    this.#listeners.clear();
    const outputs = [...this.#outputs];
    this.#outputs.clear();
    this.#maybeDetach();
    for (const path of outputs) delValue(originScope(this.#store, NOTHING_PASSED, this, 1), path);
  }

  #resolve(method: 'filter' | 'sort', fn: unknown): unknown {
    if (typeof fn === 'function') return fn;
    if (typeof fn !== 'string') throw modelError('type', method, this.path, `expected a function or the name given to model.fn(), got ${fn === null ? 'null' : typeof fn}`);
    const found = functionsOf(this.#store).lookup(method, this.path, fn);
    return typeof found === 'function' ? found : found.get;
  }

  #attach(): void {
    if (this.#index) return;
    this.#index = new FilterIndex(this.#sort);
    this.#all = true;
    this.#unwatch = watchPaths(this.#store, [this.#source, ...this.#inputSegments], this.#listener);
    this.#flush(false);
  }

  #maybeDetach(): void {
    if (!this.#index || this.#listeners.size > 0 || this.#outputs.size > 0) return;
    this.#unwatch?.();
    this.#unwatch = null;
    this.#index = null;
    this.#dirty.clear();
    this.#read = null;
  }

  /** A new filter or sort function: everything is tested again. */
  #restart(): void {
    this.#read = null;
    if (!this.#index) return;
    this.#index = new FilterIndex(this.#sort);
    this.#all = true;
    this.#flush();
  }

  readonly #listener = (event: ModelEvent): void => {
    if (originOf(event.passed)?.owner === this) return;
    const segments = splitPath(event.path);
    if (this.#inputSegments.some((input) => affects(segments, input)) || segments.length <= this.#source.length) {
      this.#all = true;
    } else if (affects(segments, this.#source)) {
      this.#dirty.add(segments[this.#source.length] as string);
    } else {
      return;
    }
    this.#depth = Math.max(this.#depth, depthOf(event.passed));
    // Once per delivery: a transaction's events (or a batch load) are one update.
    this.#store.bus.afterFlush(this.#flushAfter);
  };

  readonly #flushAfter = (): void => this.#flush();

  #update(): void {
    if (this.#index) {
      if (this.#all || this.#dirty.size > 0) this.#flush();
      this.#publish();
    } else {
      this.#evaluate();
    }
  }

  /** Applies what changed since the last flush; `notify` false: only brings the result up to date (listeners and `refIds` paths hear nothing). */
  #flush(notify = true): void {
    const index = this.#index;
    if (!index || (!this.#all && this.#dirty.size === 0)) return;
    const depth = this.#depth + 1;
    this.#depth = 0;
    if (depth > MAX_REACTIVE_DEPTH) {
      this.destroy();
      throw modelError('error', 'filter', this.path, `the filter updated in a chain of ${MAX_REACTIVE_DEPTH} reactive writes: its ids feed its own inputs through reactive functions (a loop), so it was destroyed`);
    }
    let changed = false;
    let single: SingleMove | null = null;
    let moves = 0;
    if (this.#all) {
      this.#all = false;
      this.#dirty.clear();
      index.reset(filterEntries(this.#store.read(this.#source), this.#readInputs(), this.#matcher));
      this.#stale = true;
      changed = this.#publish();
    } else {
      const inputs = this.#readInputs();
      const items = this.#lazyItems();
      for (const key of this.#dirty) {
        const item = this.#store.read([...this.#source, key]);
        const matches = item !== undefined && this.#matches(item, key, items, inputs);
        const move = index.update(key, item, matches);
        if (move && movesWindow(move, this.#skip, this.#limit)) {
          changed = true;
          single = moves++ === 0 && this.#skip === 0 && this.#limit === 0 ? { key, ...move } : null;
        }
      }
      this.#dirty.clear();
      if (changed) this.#stale = true;
    }
    if (!changed || !notify) return;
    if (this.#outputs.size > 0) {
      this.#publish();
      const scope = originScope(this.#store, NOTHING_PASSED, this, depth);
      for (const path of this.#outputs) writeIds(scope, path, this.#ids, single);
    }
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * Makes `#ids` and `#items` the index's current window (read lazily: many
   * changes between two reads cost one copy). Keeps the arrays, identity
   * included, when the window shows the same items; returns true when it
   * changed.
   */
  #publish(): boolean {
    const index = this.#index;
    if (!index || !this.#stale) return false;
    this.#stale = false;
    const end = this.#limit > 0 ? this.#skip + this.#limit : undefined;
    const ids = index.keys.slice(this.#skip, end);
    const items = index.items.slice(this.#skip, end) as T[];
    if (ids.length === this.#ids.length && ids.every((id, i) => id === this.#ids[i] && items[i] === this.#items[i])) return false;
    this.#ids = Object.freeze(ids);
    this.#items = Object.freeze(items);
    return true;
  }

  #readInputs(): unknown[] {
    return this.#inputSegments.map((segments) => this.#store.read(segments));
  }

  readonly #matcher = (item: unknown, key: string, items: unknown, inputs: readonly unknown[]): boolean => this.#matches(item, key, items, inputs);

  #matches(item: unknown, key: string, items: unknown, inputs: readonly unknown[]): boolean {
    const test = this.#test;
    return test === null || Boolean(test(item as never, key, items as never, ...(inputs as never[])));
  }

  /** The input's items as a read-only view read on first use (reading a large collection costs: most filters never look). */
  #lazyItems(): unknown {
    return lazyView(() => this.#store.read(this.#source));
  }

  /** Detached: the result from the current values, when they changed since the last evaluation. */
  #evaluate(): void {
    const read = [this.#store.read(this.#source), ...this.#readInputs()];
    const last = this.#read;
    if (last && last.length === read.length && last.every((value, i) => value === read[i])) return;
    this.#read = read;
    const index = new FilterIndex(this.#sort);
    index.reset(filterEntries(read[0], read.slice(1), this.#matcher));
    this.#index = index;
    this.#stale = true;
    this.#publish();
    this.#index = null;
  }
}
