/**
 * The functions and options a filter is made of (`model.filter`,
 * `model.sort`): their types, the check of `skip` and `limit`, and the
 * walk over an input's items that tests each one.
 */
import { modelError } from '../model-error.ts';

/** Tests an item: `(item, key, items, ...additionalInputs)`; a truthy result keeps it. */
export type FilterFunction<T = unknown> = (item: T, key: string, items: Readonly<Record<string, T>>, ...inputs: never[]) => unknown;

/** Compares two items: negative, zero or positive, as for `Array.prototype.sort`. */
export type SortFunction<T = unknown> = (a: T, b: T) => number;

/** Options of `filter` and `sort`: a window of the result. */
export interface FilterOptions {
  /** Results to leave out at the start (default 0). */
  readonly skip?: number;
  /** Most results to keep; 0 or none means no limit (as in Racer). */
  readonly limit?: number;
}

/** What a filter is made from (paths absolute). */
export interface FilterSpec {
  readonly path: string;
  readonly inputs: readonly string[];
  readonly options: FilterOptions | undefined;
}

/** `skip` and `limit` of a filter's spec, checked: each an integer >= 0 (a `RangeError` naming the path otherwise). */
export function filterWindow(spec: FilterSpec): { skip: number; limit: number } {
  const { skip = 0, limit = 0 } = spec.options ?? {};
  for (const [name, value] of [['skip', skip], ['limit', limit]] as const) {
    if (!Number.isInteger(value) || value < 0) throw modelError('range', 'filter', spec.path, `${name} must be an integer >= 0, got ${String(value)}`);
  }
  return { skip, limit };
}

/** Tests one item: `(item, key, items, inputs)`. */
export type ItemMatcher = (item: unknown, key: string, items: unknown, inputs: readonly unknown[]) => boolean;

/** Every key of the input (an object or an array) with its item and whether `matches` keeps it; missing items are left out. */
export function* filterEntries(items: unknown, inputs: readonly unknown[], matches: ItemMatcher): Generator<readonly [string, unknown, boolean]> {
  if (typeof items !== 'object' || items === null) return;
  for (const [key, item] of Object.entries(items)) {
    if (item !== undefined) yield [key, item, matches(item, key, items, inputs)];
  }
}
