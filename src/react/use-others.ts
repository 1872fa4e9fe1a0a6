/**
 * `useOthers(select?, isEqual?, doc?)`: the other clients present on a
 * document, or what a selector picks from them.
 */
import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { Presence, PresencePeer, PresenceState } from '../model/presence/presence.ts';
import { usePresenceOf } from './presence-room.ts';
import { shallowEqual } from './shallow-equal.ts';

interface Selected<S extends object, T> {
  readonly others: readonly PresencePeer<S>[];
  readonly select: unknown;
  readonly value: T;
}

/**
 * The other clients present on `doc` (else on the nearest `PresenceRoom`'s
 * document), in arrival order, or `select(others)`. The component re-renders
 * only when the selected value changes by `isEqual` (shallow equality by
 * default: same items or same keys and values), so a component that selects
 * names is left alone while cursors move. Unchanged peers keep their objects.
 * While mounted it holds the presence subscribed.
 *
 * @example
 * const names = useOthers<{ name: string }, string[]>((others) => others.map((peer) => peer.state.name));
 * const count = useOthers((others) => others.length);
 */
export function useOthers<S extends object = PresenceState, T = readonly PresencePeer<S>[]>(
  select?: (others: readonly PresencePeer<S>[]) => T,
  isEqual: (a: T, b: T) => boolean = shallowEqual,
  doc?: string,
): T {
  const presence = usePresenceOf('useOthers', doc) as unknown as Presence<S>;
  const last = useRef<Selected<S, T> | null>(null);
  const subscribe = useCallback((onChange: () => void) => presence.subscribe(onChange), [presence]);
  const read = (): T => {
    const others = presence.others();
    const previous = last.current;
    if (previous && previous.others === others && previous.select === select) return previous.value;
    const value = select ? select(others) : (others as unknown as T);
    // An equal selection keeps the previous value, so React sees no change and skips the render.
    const kept = previous && isEqual(previous.value, value) ? previous.value : value;
    last.current = { others, select, value: kept };
    return kept;
  };
  return useSyncExternalStore(subscribe, read, read);
}
