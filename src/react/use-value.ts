/**
 * `useValue(path)`: the immutable snapshot at a path, kept current.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { listen, useProvidedModel } from './sync-context.ts';

/**
 * The snapshot at `path` (relative to the provider's model). The component
 * re-renders only when that path or something below it changes: snapshots
 * are structurally shared, so an unchanged subtree keeps its identity.
 *
 * @example
 * const title = useValue<string>(`todos.${id}.title`);
 */
export function useValue<T = unknown>(path: string): T | undefined {
  const model = useProvidedModel('useValue');
  const subscribe = useCallback((onChange: () => void) => listen(model, path, onChange), [model, path]);
  const read = (): T | undefined => model.get<T>(path);
  return useSyncExternalStore(subscribe, read, read);
}
