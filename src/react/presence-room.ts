/**
 * `<PresenceRoom doc="rooms.r1">`: names the document whose presence the
 * hooks below it use (`usePresence`, `useOthers`), and keeps that presence
 * subscribed while mounted.
 */
import { createContext, createElement, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { Presence, PresenceState } from '../model/presence/presence.ts';
import { useProvidedModel } from './sync-context.ts';

/** The document (`collection.docId`) of the nearest `PresenceRoom` (null outside one). */
export const PresenceRoomContext = createContext<string | null>(null);

/** Props of `PresenceRoom`. */
export interface PresenceRoomProps {
  /** The document (`collection.docId`) whose presence the hooks below use. */
  readonly doc: string;
  /**
   * My state while the room is mounted: set when it mounts (if I have none
   * yet) and cleared when it unmounts (I leave). Read when it mounts.
   */
  readonly initial?: PresenceState | undefined;
  readonly children?: ReactNode;
}

const ignore = (): void => undefined;

/**
 * Makes `doc` the presence room of the hooks below. While mounted it holds
 * the document's presence subscribed, so the others are known before (and
 * between) the hooks that read them; with `initial` it also makes me present.
 *
 * @example
 * <PresenceRoom doc={`rooms.${roomId}`} initial={{ name: user.name }}>
 *   <Cursors />
 * </PresenceRoom>
 */
export function PresenceRoom({ doc, initial, children }: PresenceRoomProps): ReactNode {
  const presence = usePresenceOf('PresenceRoom', doc);
  useEffect(() => {
    const stop = presence.subscribe(ignore);
    // `initial` is read once per mount, like useState's initial value.
    const joined = initial !== undefined && presence.me === null;
    if (joined) presence.set(initial);
    return () => {
      if (joined) presence.set(null);
      stop();
    };
  }, [presence]);
  return createElement(PresenceRoomContext.Provider, { value: doc }, children);
}

/**
 * The presence a hook uses: of `doc` when given, else of the nearest
 * `PresenceRoom`. Throws an error naming the hook when there is neither.
 */
export function usePresenceOf(hook: string, doc?: string): Presence {
  const model = useProvidedModel(hook);
  const room = useContext(PresenceRoomContext);
  const path = doc ?? room;
  if (path === null) {
    throw new Error(`yracer ${hook}(): which document? Pass one (for example 'rooms.r1') or render inside <PresenceRoom doc="rooms.r1">.`);
  }
  return useMemo(() => model.at(path).presence, [model, path]);
}
