/**
 * `usePresence(doc?)`: my presence state on a document, and its setter.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { Presence, PresenceState } from '../model/presence/presence.ts';
import { usePresenceOf } from './presence-room.ts';

/** What `setMe` accepts: a new state, `null` to leave, or a function of the current state. */
export type PresenceAction<S extends object> = S | null | ((current: S | null) => S | null);

/**
 * My presence state on `doc` (else on the nearest `PresenceRoom`'s document)
 * and a stable function that replaces it (`null` leaves). The component
 * re-renders only when my state changes, not when others move. While
 * mounted it holds the presence subscribed. A state that is not a plain JSON
 * object throws from `setMe`, naming the problem.
 *
 * @example
 * const [me, setMe] = usePresence<{ name: string; cursor: { x: number; y: number } | null }>();
 * const onMove = (e: PointerEvent) => setMe((prev) => ({ name: prev?.name ?? 'anonymous', cursor: { x: e.clientX, y: e.clientY } }));
 */
export function usePresence<S extends object = PresenceState>(doc?: string): [S | null, (action: PresenceAction<S>) => void] {
  const presence = usePresenceOf('usePresence', doc) as unknown as Presence<S>;
  const subscribe = useCallback((onChange: () => void) => presence.subscribe(onChange), [presence]);
  const read = (): S | null => presence.me;
  const me = useSyncExternalStore(subscribe, read, read);
  const setMe = useCallback(
    (action: PresenceAction<S>) => presence.set(typeof action === 'function' ? action(presence.me) : action),
    [presence],
  );
  return [me, setMe];
}
