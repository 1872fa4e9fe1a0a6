/**
 * Reordering by HTML5 drag and drop: rows call these handlers with their id;
 * a drop moves the dragged todo to the target's place.
 */
import { useMemo, useRef, useState, type DragEvent } from 'react';

export interface DragHandlers {
  start(id: string, event: DragEvent): void;
  over(id: string, event: DragEvent): void;
  drop(id: string, event: DragEvent): void;
  end(): void;
}

export interface DragReorder {
  /** The row being dragged, or null. */
  readonly draggingId: string | null;
  /** The row the dragged one would land on, or null. */
  readonly overId: string | null;
  /** Stable across renders (for memoized rows). */
  readonly handlers: DragHandlers;
}

const MIME = 'application/x-yracer-todo';

export function useDragReorder(move: (id: string, targetId: string) => void): DragReorder {
  const dragged = useRef<string | null>(null);
  const [draggingId, setDraggingId] = useState<string | null>(null);
  const [overId, setOverId] = useState<string | null>(null);

  const handlers = useMemo<DragHandlers>(() => {
    const reset = (): void => {
      dragged.current = null;
      setDraggingId(null);
      setOverId(null);
    };
    return {
      start(id, event) {
        dragged.current = id;
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData(MIME, id);
        event.dataTransfer.setData('text/plain', id);
        setDraggingId(id);
      },
      over(id, event) {
        if (dragged.current === null) return; // something else (a file, text) is dragged over
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        setOverId(id === dragged.current ? null : id);
      },
      drop(id, event) {
        event.preventDefault();
        const from = dragged.current;
        reset();
        if (from !== null && from !== id) move(from, id);
      },
      end: reset,
    };
  }, [move]);

  return { draggingId, overId, handlers };
}
