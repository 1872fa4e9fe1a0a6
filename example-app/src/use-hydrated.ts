/**
 * False during the server render and the hydration pass, true afterwards:
 * for output that only the browser knows (the connection state), so the
 * hydrated HTML matches the server's.
 */
import { useSyncExternalStore } from 'react';

const subscribe = (): (() => void) => () => undefined;

export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
