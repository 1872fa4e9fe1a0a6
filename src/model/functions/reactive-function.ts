/**
 * The types of reactive functions (`model.fn`, `model.start`,
 * `model.evaluate`) and the built-in named functions Racer defines: `asc`
 * and `desc` (comparators for `sort`) and `reverse` (a two-way function).
 */

/** A reactive function: called with the values at the input paths, returns the output. Keep it pure. */
export type ReactiveGetter = (...inputs: never[]) => unknown;

/**
 * What a two-way function's `set` returns: new values for the inputs, by
 * position (`[first, last]`, or `{ 1: last }`); an undefined entry leaves
 * its input alone, null or undefined changes nothing.
 */
export type TwoWayResult = readonly unknown[] | Readonly<Record<number, unknown>> | null | undefined;

/**
 * A two-way reactive function: `get` computes the output from the inputs;
 * `set` is called with the output when something else writes it, and
 * returns new input values.
 *
 * @example
 * model.fn('fullName', {
 *   get: (first: string, last: string) => `${first} ${last}`,
 *   set: (full: string) => full.split(' '),
 * });
 */
export interface TwoWayFunction {
  /** Computes the output from the input values. */
  readonly get: ReactiveGetter;
  /** Computes new input values from an output written by someone else (output first, then the current inputs). */
  readonly set?: ((output: never, ...inputs: never[]) => TwoWayResult) | undefined;
}

/** A reactive function: a getter, or a `{ get, set }` pair. */
export type ReactiveFunction = ReactiveGetter | TwoWayFunction;

/** How `start` writes the output (Racer's modes). */
export type StartMode = 'diffDeep' | 'diff' | 'arrayDeep' | 'array';

/** What `start` and `evaluate` copy (Racer's option; see docs/model.md). */
export type StartCopy = 'output' | 'input' | 'both' | 'none';

/** Options of `start` and `evaluate`. */
export interface StartOptions {
  /**
   * `'input'` or `'both'`: the function gets deep, mutable copies of the
   * input values instead of the frozen snapshots. `'output'` (default) or
   * `'both'`: the value `start` and `evaluate` return is a deep copy.
   */
  readonly copy?: StartCopy;
  /**
   * How the output is written: `'diffDeep'` (default, `setDiffDeep`: only
   * what changed), `'diff'` (`setDiff`: the whole value when not deep
   * equal), `'arrayDeep'` (`setArrayDiffDeep`), `'array'` (`setArrayDiff`).
   */
  readonly mode?: StartMode;
  /** Re-run on a microtask after input changes (several changes, one run) instead of at once. */
  readonly async?: boolean;
}

const MODES: readonly StartMode[] = ['diffDeep', 'diff', 'arrayDeep', 'array'];
const COPIES: readonly StartCopy[] = ['output', 'input', 'both', 'none'];

/** The reason `options` is not valid start options, or null. */
export function startOptionsProblem(options: StartOptions): string | null {
  const keys = Object.keys(options).filter((key) => key !== 'copy' && key !== 'mode' && key !== 'async');
  if (keys.length > 0) return `unknown option "${keys[0] as string}" (options are copy, mode and async)`;
  if (options.mode !== undefined && !MODES.includes(options.mode)) return `mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(options.mode)}`;
  if (options.copy !== undefined && !COPIES.includes(options.copy)) return `copy must be one of ${COPIES.join(', ')}, got ${JSON.stringify(options.copy)}`;
  if (options.async !== undefined && typeof options.async !== 'boolean') return 'async must be a boolean';
  return null;
}

/** True for a value `fn` and `start` accept as a function. */
export function isReactiveFunction(value: unknown): value is ReactiveFunction {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  const pair = value as { get?: unknown; set?: unknown };
  return typeof pair.get === 'function' && (pair.set === undefined || typeof pair.set === 'function');
}

/** Racer's ascending comparator (`<` and `>`). */
export function asc(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** Racer's descending comparator. */
export function desc(a: unknown, b: unknown): number {
  return (a as number) > (b as number) ? -1 : (a as number) < (b as number) ? 1 : 0;
}

/** Racer's `reverse`: the array reversed, both ways. */
export const reverse: TwoWayFunction = {
  get: (array: readonly unknown[] | undefined) => array?.slice().reverse(),
  set: (array: readonly unknown[] | undefined) => [array?.slice().reverse()],
};

/** The functions every model knows by name (a name given to `model.fn` takes precedence). */
export const DEFAULT_FUNCTIONS: ReadonlyMap<string, ReactiveFunction> = new Map<string, ReactiveFunction>([
  ['asc', asc],
  ['desc', desc],
  ['reverse', reverse],
]);
