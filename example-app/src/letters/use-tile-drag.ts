/**
 * Dragging tiles with pointer events (mouse, pen, touch; Playwright's mouse
 * too): pointerdown on a tile captures the pointer, each move writes the
 * tile's position at most once per animation frame, pointerup writes the
 * last one at once.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent, type RefObject } from 'react';
import { boardPoint, frameThrottle } from './frame-throttle.ts';
import type { Pos } from './letters.ts';

export interface TileDragHandlers {
  /** Starts dragging tile `id` (now at `pos`) with this pointer. */
  start(id: string, pos: Pos, event: PointerEvent<HTMLElement>): void;
  move(event: PointerEvent<HTMLElement>): void;
  end(event: PointerEvent<HTMLElement>): void;
}

export interface TileDrag {
  /** The tile this client is dragging, or null. */
  readonly draggingId: string | null;
  /** Stable while `move` is (for memoized tiles). */
  readonly handlers: TileDragHandlers;
}

interface Grab {
  readonly id: string;
  readonly pointerId: number;
  /** Where on the tile it was grabbed. */
  readonly dx: number;
  readonly dy: number;
}

export function useTileDrag(board: RefObject<HTMLElement | null>, moveTo: (id: string, pos: Pos) => void): TileDrag {
  const grab = useRef<Grab | null>(null);
  const [draggingId, setDraggingId] = useState<string | null>(null);
  const writes = useMemo(() => frameThrottle<{ id: string; pos: Pos }>(({ id, pos }) => moveTo(id, pos)), [moveTo]);
  useEffect(() => () => writes.flush(), [writes]);

  const handlers = useMemo<TileDragHandlers>(() => {
    const at = (event: PointerEvent<HTMLElement>): { id: string; pos: Pos } | null => {
      const current = grab.current;
      if (!current || current.pointerId !== event.pointerId || !board.current) return null;
      const point = boardPoint(board.current, event);
      return { id: current.id, pos: { x: point.x - current.dx, y: point.y - current.dy } };
    };
    return {
      start(id, pos, event) {
        if (event.button !== 0 || grab.current || !board.current) return;
        event.preventDefault(); // no text selection, no native drag
        const point = boardPoint(board.current, event);
        grab.current = { id, pointerId: event.pointerId, dx: point.x - pos.x, dy: point.y - pos.y };
        event.currentTarget.setPointerCapture(event.pointerId);
        setDraggingId(id);
      },
      move(event) {
        const next = at(event);
        if (next) writes.push(next);
      },
      end(event) {
        const last = at(event);
        if (!last) return;
        if (event.type === 'pointerup') writes.push(last);
        writes.flush();
        grab.current = null;
        setDraggingId(null);
      },
    };
  }, [board, writes]);

  return { draggingId, handlers };
}
