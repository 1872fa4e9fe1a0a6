/**
 * `useValue(path)`: the immutable snapshot at a path, kept current.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { ExplicitType, RegisteredTree } from '../schema/register.ts';
import type { CheckPath, ValueAt } from '../schema/typed-paths.ts';
import { listen, useProvidedModel } from './sync-context.ts';

/**
 * The snapshot at `path` (relative to the provider's model). The component
 * re-renders only when that path or something below it changes: snapshots
 * are structurally shared, so an unchanged subtree keeps its identity.
 *
 * @example
 * const title = useValue<string>(`todos.${id}.title`);
 */
export function useValue<T = ExplicitType>(path: [T] extends [ExplicitType] ? never : string): T | undefined;
/**
 * The snapshot at a path of the registered schema (`interface Register`),
 * typed; a path the schema does not have is a compile error. Without a
 * registration any path, and the value is `unknown`.
 *
 * @example
 * const title = useValue(`todos.${id}.title`); // string | undefined
 */
export function useValue<P extends string>(path: CheckPath<RegisteredTree, P>): ValueAt<RegisteredTree, P> | undefined;
export function useValue<T = unknown>(path: string): T | undefined {
  const model = useProvidedModel('useValue', path);
  const subscribe = useCallback((onChange: () => void) => listen(model, path, onChange), [model, path]);
  const read = (): T | undefined => model.get<T>(path);
  return useSyncExternalStore(subscribe, read, read);
}
