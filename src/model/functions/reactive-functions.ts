/**
 * The reactive functions of one model (shared by its scoped models): the
 * functions registered by name with `model.fn`, the functions started with
 * `model.start` (one per output path), and the started functions a bundle
 * carried that wait for their name to be registered.
 */
import { modelError } from '../model-error.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { splitPath } from '../paths/path.ts';
import { affects } from '../paths/path-watch.ts';
import { DEFAULT_FUNCTIONS, isReactiveFunction, type ReactiveFunction, type StartOptions } from './reactive-function.ts';
import { checkPath, checkStart, type StartCall } from './start-args.ts';
import { readInputs, StartedFunction, type StartSpec } from './started-function.ts';
import { deepCopy } from '../paths/value-reads.ts';

/** A started function as a bundle carries it: `[output, ...inputs, options?, name]`, as Racer bundles it. */
export type BundledStart = ReadonlyArray<string | StartOptions>;

/** The named and started functions of a model. */
export class ReactiveFunctions {
  readonly #store: ModelStore;
  readonly #named = new Map<string, ReactiveFunction>();
  readonly #started = new Map<string, StartedFunction>();
  #waiting: StartCall[] = [];

  constructor(store: ModelStore) {
    this.#store = store;
  }

  /** Registers a function by name; starts the bundled functions that waited for it. */
  define(name: string, fn: ReactiveFunction): void {
    if (typeof name !== 'string' || name === '') throw new TypeError('yracer fn(): the name must be a non-empty string');
    if (!isReactiveFunction(fn)) throw new TypeError(`yracer fn('${name}'): expected a function or { get, set? }, got ${fn === null ? 'null' : typeof fn}`);
    this.#named.set(name, fn);
    const ready = this.#waiting.filter((call) => call.fn === name);
    if (ready.length === 0) return;
    this.#waiting = this.#waiting.filter((call) => call.fn !== name);
    for (const call of ready) if (!this.#started.has(call.output)) this.start('start', call);
  }

  /** The function registered under `name` (or a built-in one); an `Error` naming it when there is none. */
  lookup(method: string, path: string, name: string): ReactiveFunction {
    const found = this.#named.get(name) ?? DEFAULT_FUNCTIONS.get(name);
    if (!found) throw modelError('error', method, path, `no function named "${name}": register it first with model.fn('${name}', fn)`);
    return found;
  }

  /** `evaluate`: the function's value for the current inputs. */
  evaluate(call: Omit<StartCall, 'output'>): unknown {
    const fn = typeof call.fn === 'string' ? this.lookup('evaluate', call.inputs.join(', '), call.fn) : call.fn;
    const get = typeof fn === 'function' ? fn : fn.get;
    const copy = call.options?.copy ?? 'output';
    const value = get(...(readInputs(this.#store, call.inputs.map(splitPath), copy === 'input' || copy === 'both') as never[]));
    return copy === 'output' || copy === 'both' ? deepCopy(value) : value;
  }

  /** `start`: replaces the function at the output path, runs it and returns the value written. */
  start(method: string, call: StartCall): unknown {
    const fn = typeof call.fn === 'string' ? this.lookup(method, call.output, call.fn) : call.fn;
    const spec: StartSpec = {
      output: call.output,
      inputs: call.inputs,
      get: typeof fn === 'function' ? fn : fn.get,
      set: typeof fn === 'function' ? undefined : fn.set,
      name: typeof call.fn === 'string' ? call.fn : null,
      options: call.options,
    };
    this.stop(call.output);
    const started = new StartedFunction(this.#store, spec, (stopped) => this.#forget(stopped));
    const value = started.begin();
    this.#started.set(call.output, started);
    return value;
  }

  /** The function running at an output path. */
  get(output: string): StartedFunction | undefined {
    return this.#started.get(output);
  }

  /** Stops the function at exactly this output path; true when one ran. */
  stop(output: string): boolean {
    const started = this.#started.get(output);
    this.#waiting = this.#waiting.filter((call) => call.output !== output);
    if (!started) return false;
    started.stop();
    this.#started.delete(output);
    return true;
  }

  /** Stops every function whose output is at or below `path` (all for ''); returns how many. */
  stopAll(path: string): number {
    const segments = splitPath(path);
    const below = (output: string): boolean => affects(segments, splitPath(output)) && splitPath(output).length >= segments.length;
    this.#waiting = this.#waiting.filter((call) => !below(call.output));
    let stopped = 0;
    for (const output of [...this.#started.keys()]) if (below(output) && this.stop(output)) stopped++;
    return stopped;
  }

  /** The started functions to bundle: those started by name (a function object cannot travel), and those still waiting. */
  bundle(): BundledStart[] {
    const out: BundledStart[] = [];
    const add = (output: string, inputs: readonly string[], options: StartOptions | undefined, name: string): void => {
      out.push(options ? [output, ...inputs, options, name] : [output, ...inputs, name]);
    };
    for (const started of this.#started.values()) {
      const { output, inputs, options, name } = started.spec;
      if (name !== null) add(output, inputs, options, name);
    }
    for (const call of this.#waiting) add(call.output, call.inputs, call.options, call.fn as string);
    return out;
  }

  /** Starts bundled functions whose name is registered; the others start when `model.fn` registers it. */
  restore(calls: readonly StartCall[]): void {
    for (const call of calls) {
      if (typeof call.fn === 'string' && !this.#named.has(call.fn) && !DEFAULT_FUNCTIONS.has(call.fn)) this.#waiting.push(call);
      else this.start('start', call);
    }
  }

  #forget(stopped: StartedFunction): void {
    if (this.#started.get(stopped.spec.output) === stopped) this.#started.delete(stopped.spec.output);
  }
}

const registries = new WeakMap<ModelStore, ReactiveFunctions>();

/** The reactive functions of a model's store (created on first use). */
export function functionsOf(store: ModelStore): ReactiveFunctions {
  let found = registries.get(store);
  if (!found) registries.set(store, (found = new ReactiveFunctions(store)));
  return found;
}

/** Checks a bundle's `fns` list; returns the calls, or throws a `TypeError` naming the bad entry. */
export function readBundledStarts(value: unknown): StartCall[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError('yracer bundle: "fns" must be an array');
  return value.map((item: unknown, i) => {
    const parts = Array.isArray(item) ? [...(item as unknown[])] : [];
    const name = parts.pop();
    const options = typeof parts[parts.length - 1] === 'object' ? parts.pop() : undefined;
    const [output, ...inputs] = parts;
    if (typeof name !== 'string' || typeof output !== 'string' || !inputs.every((input) => typeof input === 'string') || (options !== undefined && (options === null || Array.isArray(options)))) {
      throw new TypeError(`yracer bundle: fns[${i}] must be [output, ...inputs, options?, name]`);
    }
    try {
      for (const [path, what] of [[output, 'output path'], ...inputs.map((input) => [input as string, 'input path'])] as const) checkPath('start', path, what);
      checkStart('start', output, name, options);
    } catch (error) {
      throw new TypeError(`yracer bundle: fns[${i}]: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return { output, inputs: inputs as string[], fn: name, options: options as StartOptions | undefined };
  });
}
