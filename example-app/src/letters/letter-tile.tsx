/**
 * One magnet on the board: absolutely placed at its stored position, dragged
 * with the pointer (handlers from `useTileDrag`). Memoized: a move re-renders
 * the moved tile only (the other tiles' snapshots keep their identity).
 */
import { memo } from 'react';
import { asTile } from './letters.ts';
import { tileStyle } from './tile-look.ts';
import type { TileDragHandlers } from './use-tile-drag.ts';

/** Above every moved tile while I drag it. */
const DRAGGING_Z = 2 ** 30;

export interface LetterTileProps {
  readonly id: string;
  /** The stored tile (checked here: data from other clients may be anything). */
  readonly value: unknown;
  /** Its place in the stack (z-index): the last moved on top. */
  readonly z: number;
  readonly dragging: boolean;
  readonly drag: TileDragHandlers;
}

export const LetterTile = memo(function LetterTile({ id, value, z, dragging, drag }: LetterTileProps) {
  const tile = asTile(id, value);
  if (!tile) return null;
  return (
    <div
      className={`tile${dragging ? ' tile-dragging' : ''}`}
      data-testid={`tile-${id}`}
      data-x={tile.pos.x}
      data-y={tile.pos.y}
      style={{ ...tileStyle(id, tile.pos, tile.color), zIndex: dragging ? DRAGGING_Z : z }}
      onPointerDown={(event) => drag.start(id, tile.pos, event)}
      onPointerMove={drag.move}
      onPointerUp={drag.end}
      onPointerCancel={drag.end}
      role="img"
      aria-label={`letter ${tile.char}`}
    >
      {tile.char}
    </div>
  );
});
