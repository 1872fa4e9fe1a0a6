/**
 * `useStart(outputPath, inputPaths, fn)`: a reactive function started while
 * the component is mounted.
 */
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { FunctionArg } from '../model/model-reactive.ts';
import type { StartOptions } from '../model/functions/reactive-function.ts';
import { functionsOf } from '../model/functions/reactive-functions.ts';
import { listen, useProvidedModel } from './sync-context.ts';

/**
 * Starts `fn` (a function, `{ get, set }` or a name given to `model.fn`)
 * with `model.start(outputPath, inputPaths, options, fn)` once mounted and
 * stops it on unmount (unless another function took its output path
 * meanwhile); returns the output, re-rendering when it changes. Before the
 * function runs (the first render, a server-side render) it returns
 * `model.evaluate(inputPaths, fn)`, so the first render already shows the
 * value. A new `fn`, input path, output path or option restarts it: define
 * the function outside the component (or with `useCallback`).
 *
 * @example
 * const total = useStart<number>('_page.total', ['_page.cart.items'], sumPrices);
 */
export function useStart<T = unknown>(outputPath: string, inputPaths: readonly string[], fn: FunctionArg, options?: StartOptions): T | undefined {
  const model = useProvidedModel('useStart');
  const inputsKey = JSON.stringify(inputPaths);
  const optionsKey = JSON.stringify(options ?? null);
  const output = model.path(outputPath);
  useEffect(() => {
    const args = options ? [...inputPaths, options, fn] : [...inputPaths, fn];
    model.start(outputPath, ...(args as [FunctionArg]));
    const functions = functionsOf(model.store);
    const mine = functions.get(output);
    return () => {
      if (mine && functions.get(output) === mine) functions.stop(output);
    };
    // inputPaths and options are compared by content (their keys).
  }, [model, outputPath, output, inputsKey, fn, optionsKey]);
  const subscribe = useCallback((onChange: () => void) => listen(model, outputPath, onChange), [model, outputPath]);
  const read = (): T | undefined => model.get<T>(outputPath);
  const stored = useSyncExternalStore(subscribe, read, read);
  const running = functionsOf(model.store).get(output) !== undefined;
  const evaluated = useMemo(() => {
    if (running) return undefined;
    const args = options ? [...inputPaths, options, fn] : [...inputPaths, fn];
    return model.evaluate<T>(...(args as [FunctionArg]));
  }, [running, model, inputsKey, fn, optionsKey]);
  return running ? stored : evaluated;
}
