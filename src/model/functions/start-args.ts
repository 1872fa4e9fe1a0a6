/**
 * Racer's argument forms of `start`, `evaluate`, `filter` and `sort`:
 * `(output?, ...inputs, options?, fn)` where the inputs are var-args or one
 * array, the options a plain object and `fn` a function or a registered name.
 */
import { modelError } from '../model-error.ts';
import { pathProblem, splitPath, type Subpath } from '../paths/path.ts';
import { isReactiveFunction, startOptionsProblem, type ReactiveFunction, type StartOptions } from './reactive-function.ts';

/** What `start` and `evaluate` are called with, resolved. */
export interface StartCall {
  readonly output: string;
  readonly inputs: readonly string[];
  readonly fn: ReactiveFunction | string;
  readonly options: StartOptions | undefined;
}

/** An input path argument: a path, or every input path in one array. */
export type InputPaths = Subpath | readonly Subpath[];

/** The arguments, split: absolute input paths, the options object (if any) and the last argument. */
export interface SplitArgs<O> {
  readonly inputs: string[];
  readonly options: O | undefined;
  readonly last: unknown;
}

const isOptions = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Splits `(...inputs, options?, last)`; `resolve` makes each input path absolute. */
export function splitArgs<O>(method: string, at: string, args: readonly unknown[], resolve: (path: Subpath) => string): SplitArgs<O> {
  const rest = [...args];
  const last = rest.pop();
  const options = rest.length > 0 && isOptions(rest[rest.length - 1]) && !isReactiveFunction(rest[rest.length - 1]) ? (rest.pop() as O) : undefined;
  const list = rest.length === 1 && Array.isArray(rest[0]) ? (rest[0] as unknown[]) : rest;
  const inputs = list.map((input) => {
    if (typeof input !== 'string' && typeof input !== 'number') {
      throw modelError('type', method, at, `input paths must be strings (or one array of them), got ${input === null ? 'null' : typeof input}`);
    }
    const path = resolve(input);
    checkPath(method, path, 'input path');
    return path;
  });
  return { inputs, options, last };
}

/** Throws unless `path` is a valid path naming at least a collection. */
export function checkPath(method: string, path: string, what: string): void {
  const segments = splitPath(path);
  const problem = segments.length === 0 ? 'it names nothing (the root)' : pathProblem(segments);
  if (problem) throw modelError('error', method, path, `invalid ${what}: ${problem}`);
}

/** Checks the function argument and options of a start or evaluate call. */
export function checkStart(method: string, at: string, fn: unknown, options: unknown): void {
  if (typeof fn !== 'string' && !isReactiveFunction(fn)) {
    throw modelError('type', method, at, `the last argument must be a function, { get, set? } or the name given to model.fn(), got ${fn === null ? 'null' : typeof fn}`);
  }
  if (options !== undefined) {
    const problem = startOptionsProblem(options as StartOptions);
    if (problem) throw modelError('type', method, at, problem);
  }
}

/** Parses `start(output, ...inputs, options?, fn)`. */
export function parseStart(args: readonly unknown[], resolve: (path: Subpath) => string): StartCall {
  const [first, ...rest] = args;
  if (typeof first !== 'string' && typeof first !== 'number') throw new TypeError('yracer start(): the first argument must be the output path');
  const output = resolve(first);
  checkPath('start', output, 'output path');
  if (splitPath(output).length < 2) throw modelError('error', 'start', output, 'the output path must name a document (collection.docId) or a field inside one');
  const { inputs, options, last } = splitArgs<StartOptions>('start', output, rest, resolve);
  checkStart('start', output, last, options);
  return { output, inputs, fn: last as StartCall['fn'], options };
}

/** Parses `evaluate(...inputs, options?, fn)`. */
export function parseEvaluate(args: readonly unknown[], resolve: (path: Subpath) => string): Omit<StartCall, 'output'> {
  const { inputs, options, last } = splitArgs<StartOptions>('evaluate', resolve(''), args, resolve);
  checkStart('evaluate', inputs.join(', '), last, options);
  return { inputs, fn: last as StartCall['fn'], options };
}

/** Parses `filter(path, ...inputs, options?, fn)` and `sort(path, ...inputs, options?, fn?)`. */
export function parseFilter<O>(method: 'filter' | 'sort', args: readonly unknown[], resolve: (path: Subpath) => string): { path: string } & SplitArgs<O> {
  const [first, ...rest] = args;
  if (typeof first !== 'string' && typeof first !== 'number') throw new TypeError(`yracer ${method}(): the first argument must be the input path`);
  const path = resolve(first);
  checkPath(method, path, 'input path');
  if (rest.length === 0) return { path, inputs: [], options: undefined, last: undefined };
  return { path, ...splitArgs<O>(method, path, rest, resolve) };
}
