/**
 * Racer's reactive functions and filters on the model: `fn`, `evaluate`,
 * `start`, `stop`, `stopAll`, `filter` and `sort`. Thin methods over
 * reactive-functions.ts and model-filter.ts; `Model` adds the mutators.
 */
import { Filter } from './functions/model-filter.ts';
import type { FilterFunction, FilterOptions, SortFunction } from './functions/filter-options.ts';
import { ModelPromised } from './model-promised.ts';
import type { Subpath } from './paths/path.ts';
import type { ReactiveFunction, StartOptions } from './functions/reactive-function.ts';
import { functionsOf } from './functions/reactive-functions.ts';
import { parseEvaluate, parseFilter, parseStart, type InputPaths } from './functions/start-args.ts';

/** A function argument of `start` and `evaluate`: a function, `{ get, set }`, or a name given to `fn`. */
export type FunctionArg = ReactiveFunction | string;

/** `ModelPromised` with reactive functions and filters; `Model` adds the mutators. */
export abstract class ModelReactive extends ModelPromised {
  /**
   * Registers a reactive function by name, for `start`, `evaluate`,
   * `filter` and `sort` (and for started functions a bundle carries: they
   * start once their name is registered). `asc`, `desc` and `reverse` are
   * built in.
   *
   * @example
   * model.fn('sum', (a: number, b: number) => a + b);
   * model.start('_page.total', '_page.a', '_page.b', 'sum');
   */
  fn(name: string, fn: ReactiveFunction): void {
    functionsOf(this.store).define(name, fn);
  }

  /**
   * Calls a function (or a registered name) with the values at the input
   * paths (relative to this model; var-args or one array) and returns its
   * result, once. An unknown name is an `Error` naming it.
   *
   * @example
   * const total = model.evaluate<number>('_page.a', '_page.b', (a: number, b: number) => a + b);
   */
  evaluate<T = unknown>(...args: [...inputs: InputPaths[], fn: FunctionArg]): T;
  evaluate<T = unknown>(...args: [...inputs: InputPaths[], options: StartOptions, fn: FunctionArg]): T;
  evaluate<T = unknown>(...args: unknown[]): T {
    return functionsOf(this.store).evaluate(parseEvaluate(args, (path) => this.path(path))) as T;
  }

  /**
   * Runs a function now and again whenever something changes at, below or
   * above an input path (local or remote), writing its result at
   * `outputPath` (by `setDiffDeep` unless `options.mode` says otherwise).
   * A `{ get, set }` function also runs `set` when something else writes
   * the output, writing the input values it returns. Starting a function
   * at an output path replaces the one running there. Returns the value
   * written. See docs/model.md, "Reactive functions".
   *
   * @example
   * model.start('_page.fullName', '_page.first', '_page.last', (first: string, last: string) => `${first} ${last}`);
   */
  start<T = unknown>(outputPath: Subpath, ...args: [...inputs: InputPaths[], fn: FunctionArg]): T;
  start<T = unknown>(outputPath: Subpath, ...args: [...inputs: InputPaths[], options: StartOptions, fn: FunctionArg]): T;
  start<T = unknown>(...args: unknown[]): T {
    return functionsOf(this.store).start('start', parseStart(args, (path) => this.path(path))) as T;
  }

  /** Stops the function started at the output path (the output keeps its value); nothing when none runs there. */
  stop(subpath?: Subpath): void {
    functionsOf(this.store).stop(this.path(subpath));
  }

  /** Stops every function whose output path is at or below the path (this model's path when omitted). */
  stopAll(subpath?: Subpath): void {
    functionsOf(this.store).stopAll(this.path(subpath));
  }

  /**
   * A live filtered list of the items at `inputPath` (a collection, an
   * object or an array): `fn(item, key, items, ...additionalInputs)` keeps
   * an item when it returns a truthy value; `fn` may be a name given to
   * `model.fn`, or null to keep everything. Chain `.sort(fn)` to order the
   * result. See `Filter` and docs/model.md, "Filters and sorts".
   *
   * @example
   * const open = model.filter('todos', (todo: Todo) => !todo.done);
   * const page = model.filter('todos', '_page.owner', { limit: 20 }, (todo: Todo, id, todos, owner: string) => todo.owner === owner);
   */
  filter<T = unknown>(inputPath: Subpath, ...args: [...inputs: InputPaths[], fn: FilterFunction<T> | string | null]): Filter<T>;
  filter<T = unknown>(inputPath: Subpath, ...args: [...inputs: InputPaths[], options: FilterOptions, fn: FilterFunction<T> | string | null]): Filter<T>;
  filter<T = unknown>(...args: unknown[]): Filter<T> {
    const { path, inputs, options, last } = parseFilter<FilterOptions>('filter', args, (subpath) => this.path(subpath));
    return new Filter<T>(this.store, { path, inputs, options }).filter((last ?? null) as FilterFunction<T> | string | null);
  }

  /**
   * A live sorted list of the items at `inputPath`: `fn(a, b)` compares two
   * items (`'asc'` when omitted; `'desc'` or a name given to `model.fn`).
   *
   * @example
   * const byRank = model.sort('todos', (a: Todo, b: Todo) => a.rank - b.rank);
   */
  sort<T = unknown>(inputPath: Subpath): Filter<T>;
  sort<T = unknown>(inputPath: Subpath, ...args: [...inputs: InputPaths[], fn: SortFunction<T> | string]): Filter<T>;
  sort<T = unknown>(inputPath: Subpath, ...args: [...inputs: InputPaths[], options: FilterOptions, fn: SortFunction<T> | string]): Filter<T>;
  sort<T = unknown>(...args: unknown[]): Filter<T> {
    const { path, inputs, options, last } = parseFilter<FilterOptions>('sort', args, (subpath) => this.path(subpath));
    return new Filter<T>(this.store, { path, inputs, options }).sort((last ?? 'asc') as SortFunction<T> | string);
  }
}
