/**
 * One function started with `model.start`: it computes the output from the
 * inputs now, and again whenever something changes at, below or above an
 * input (a local write, a remote update, a document loading or leaving).
 * A two-way function also runs `set` when something else writes the output.
 * A function never re-runs for its own writes (as in Racer); chains of
 * functions that keep feeding each other stop with an error after
 * `MAX_REACTIVE_DEPTH` runs.
 */
import type { ModelEvent } from '../events/model-event.ts';
import { modelError } from '../model-error.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { splitPath } from '../paths/path.ts';
import { affects, Seen, watchPaths } from '../paths/path-watch.ts';
import type { ReactiveGetter, StartMode, StartOptions, TwoWayResult } from './reactive-function.ts';
import { setArrayDiff } from '../mutations/set-array-diff.ts';
import { setDiffDeep } from '../mutations/set-diff-deep.ts';
import { setDiff } from '../mutations/value-mutations.ts';
import { deepCopy } from '../paths/value-reads.ts';
import { MAX_REACTIVE_DEPTH, originOf, originScope } from '../mutations/write-origin.ts';
import type { Passed } from '../events/model-event.ts';
import type { WriteScope } from '../mutations/write-scope.ts';

const NOTHING_PASSED: Passed = Object.freeze({});

/** What a function is started with (paths absolute). */
export interface StartSpec {
  readonly output: string;
  readonly inputs: readonly string[];
  readonly get: ReactiveGetter;
  readonly set: ((output: never, ...inputs: never[]) => TwoWayResult) | undefined;
  /** The name it was registered under with `model.fn` (null: given as a function; such a function is not bundled). */
  readonly name: string | null;
  readonly options: StartOptions | undefined;
}

/** Writes `value` at `path` the way `mode` says. */
export function writeWithMode(scope: WriteScope, mode: StartMode, path: string, value: unknown): void {
  if (mode === 'diffDeep') setDiffDeep(scope, path, value);
  else if (mode === 'diff' || value === undefined) setDiff(scope, path, value);
  else setArrayDiff(scope, path, value, mode === 'arrayDeep' ? 'deep' : 'identity');
}

/** The input values as a function gets them (deep copies with `copy: 'input' | 'both'`). */
export function readInputs(store: ModelStore, inputs: ReadonlyArray<readonly string[]>, copy: boolean): unknown[] {
  return inputs.map((segments) => (copy ? deepCopy(store.read(segments)) : store.read(segments)));
}

/** A running reactive function. */
export class StartedFunction {
  readonly spec: StartSpec;
  readonly #store: ModelStore;
  readonly #outputSegments: readonly string[];
  readonly #inputSegments: ReadonlyArray<readonly string[]>;
  readonly #mode: StartMode;
  readonly #copyInput: boolean;
  readonly #seen: Seen;
  readonly #onStop: (fn: StartedFunction) => void;
  #unwatch: (() => void) | null = null;
  /** With `async`: a run is queued, with the deepest chain and the data passed that caused it. */
  #queued: { depth: number; passed: Passed } | null = null;

  /** @internal Use `model.start()`; `onStop` hears when a loop stops it. */
  constructor(store: ModelStore, spec: StartSpec, onStop: (fn: StartedFunction) => void) {
    this.spec = spec;
    this.#store = store;
    this.#outputSegments = splitPath(spec.output);
    this.#inputSegments = spec.inputs.map(splitPath);
    this.#mode = spec.options?.mode ?? 'diffDeep';
    const copy = spec.options?.copy ?? 'output';
    this.#copyInput = copy === 'input' || copy === 'both';
    this.#onStop = onStop;
    const collections = [...this.#inputSegments, this.#outputSegments].map((segments) => segments[0] as string);
    this.#seen = new Seen(store, collections);
  }

  /** Computes and writes the output now, then follows the inputs; returns the value written. */
  begin(): unknown {
    // Listening first: what the first write sets off (a filter of the output, another function) may change an input.
    const watched = this.spec.set ? [...this.#inputSegments, this.#outputSegments] : this.#inputSegments;
    this.#unwatch = watchPaths(this.#store, watched, this.#listener);
    try {
      return this.#run(NOTHING_PASSED, 1);
    } catch (error) {
      this.stop();
      throw error;
    }
  }

  /** True while it runs. */
  get running(): boolean {
    return this.#unwatch !== null;
  }

  /** Stops following the inputs (the output keeps its last value). */
  stop(): void {
    this.#unwatch?.();
    this.#unwatch = null;
    this.#queued = null;
  }

  readonly #listener = (event: ModelEvent): void => {
    if (!this.running) return;
    const origin = originOf(event.passed);
    if (origin?.owner === this) return;
    const segments = splitPath(event.path);
    const input = this.#inputSegments.some((inputSegments) => affects(segments, inputSegments));
    if (!input && !affects(segments, this.#outputSegments)) return;
    // Another event of a change this function already saw (a transaction reports each path it wrote).
    if (this.#seen.current) return;
    const depth = (origin?.depth ?? 0) + 1;
    if (depth > MAX_REACTIVE_DEPTH) {
      this.stop();
      this.#onStop(this);
      const label = this.spec.name === null ? 'the function' : `the function "${this.spec.name}"`;
      throw modelError('error', 'start', this.spec.output, `${label} ran in a chain of ${MAX_REACTIVE_DEPTH} reactive writes: reactive functions (or filters) keep writing each other's inputs without settling (a loop), so it was stopped`);
    }
    if (!input) {
      this.#runSet(event.passed, depth);
    } else if (this.spec.options?.async === true) {
      this.#queue(event.passed, depth);
    } else {
      this.#run(event.passed, depth);
    }
  };

  #queue(passed: Passed, depth: number): void {
    if (this.#queued) {
      this.#queued.depth = Math.max(this.#queued.depth, depth);
      return;
    }
    this.#queued = { depth, passed };
    queueMicrotask(() => {
      const queued = this.#queued;
      this.#queued = null;
      if (queued && this.running) this.#run(queued.passed, queued.depth);
    });
  }

  /** Runs `get` and writes the output; returns the value (a copy unless `copy` is `'input'` or `'none'`). */
  #run(passed: Passed, depth: number): unknown {
    const value = this.spec.get(...(readInputs(this.#store, this.#inputSegments, this.#copyInput) as never[]));
    try {
      writeWithMode(originScope(this.#store, passed, this, depth), this.#mode, this.spec.output, value);
    } finally {
      this.#seen.mark();
    }
    const copy = this.spec.options?.copy ?? 'output';
    return copy === 'output' || copy === 'both' ? deepCopy(value) : value;
  }

  /** Someone else wrote the output: `set` gives new input values. */
  #runSet(passed: Passed, depth: number): void {
    const set = this.spec.set;
    if (!set) return;
    const output = this.#store.read(this.#outputSegments);
    const inputs = readInputs(this.#store, this.#inputSegments, this.#copyInput);
    const result = set(output as never, ...(inputs as never[]));
    try {
      if (result === null || result === undefined) return;
      if (typeof result !== 'object') {
        throw modelError('type', 'start', this.spec.output, `set must return an array (or object) of input values, null or undefined; got ${typeof result}`);
      }
      const scope = originScope(this.#store, passed, this, depth);
      for (const [key, value] of Object.entries(result)) {
        const input = this.spec.inputs[Number(key)];
        if (value !== undefined && input !== undefined && /^\d+$/.test(key)) writeWithMode(scope, this.#mode, input, value);
      }
    } finally {
      this.#seen.mark();
    }
  }
}
