/**
 * Shares my pointer's position on the board through the room's presence
 * (at most once per animation frame), and removes it when the pointer
 * leaves the board.
 */
import { useEffect, useMemo, type PointerEvent, type RefObject } from 'react';
import { useModel } from 'yracer/react';
import { boardPoint, frameThrottle } from './frame-throttle.ts';
import { roomDoc, type Pos } from './letters.ts';

export interface CursorHandlers {
  readonly onPointerMove: (event: PointerEvent<HTMLElement>) => void;
  readonly onPointerLeave: () => void;
}

export function useShareCursor(room: string, board: RefObject<HTMLElement | null>): CursorHandlers {
  const model = useModel();
  const presence = useMemo(() => model.at(roomDoc(room)).presence, [model, room]);
  const updates = useMemo(() => frameThrottle<Pos>(({ x, y }) => {
        if (presence.me) presence.update({ x: Math.round(x), y: Math.round(y) });
      }), [presence]);
  useEffect(() => () => updates.cancel(), [updates]);
  return useMemo<CursorHandlers>(
    () => ({
      onPointerMove(event) {
        if (board.current) updates.push(boardPoint(board.current, event));
      },
      onPointerLeave() {
        updates.cancel();
        if (presence.me) presence.update({ x: undefined, y: undefined });
      },
    }),
    [board, presence, updates],
  );
}
