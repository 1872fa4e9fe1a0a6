/**
 * The board: the room's tiles (dragged by anyone, in realtime), the ghosts
 * of my lost moves with their choice, and the others' cursors. My pointer
 * is shared while it is over the board. On a narrow screen the board is
 * drawn scaled down to the page's width (`useBoardScale`).
 */
import { useCallback, useMemo, useRef } from 'react';
import { useConflicts, useModel } from 'yracer/react';
import { GhostTile } from './ghost-tile.tsx';
import { LetterTile } from './letter-tile.tsx';
import { BOARD_HEIGHT, BOARD_WIDTH, asTile, ghostOf, moveTile, roomDoc, type Pos } from './letters.ts';
import { OtherCursors } from './other-cursors.tsx';
import { useRoom } from './use-room.ts';
import { useShareCursor } from './use-share-cursor.ts';
import { BOARD_OUTER_WIDTH, useBoardScale } from './use-board-scale.ts';
import { useTileDrag } from './use-tile-drag.ts';

export function LettersBoard({ room }: { readonly room: string }) {
  const model = useModel();
  const board = useRef<HTMLDivElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const scale = useBoardScale(frame);
  const { tiles, ids, stacking, loaded } = useRoom(room);
  const moveTo = useCallback((id: string, pos: Pos) => moveTile(model, room, id, pos), [model, room]);
  const drag = useTileDrag(board, moveTo);
  const cursor = useShareCursor(room, board);

  const { conflicts, resolve } = useConflicts(roomDoc(room));
  const ghosts = useMemo(() => conflicts.flatMap((conflict) => ghostOf(conflict, room) ?? []), [conflicts, room]);

  return (
    <div ref={frame} className="board-frame" style={{ maxWidth: BOARD_OUTER_WIDTH, height: (BOARD_HEIGHT + 2) * scale }}>
      <div
        ref={board}
        className="board"
        data-testid="board"
        data-scale={scale}
        style={{ width: BOARD_WIDTH, height: BOARD_HEIGHT, transform: scale < 1 ? `scale(${scale})` : undefined }}
        onPointerMove={cursor.onPointerMove}
        onPointerLeave={cursor.onPointerLeave}
      >
        {!loaded && ids.length === 0 && <p className="board-message">Loading the letters…</p>}
        <div className="tiles">
          {ids.map((id) => (
            <LetterTile key={id} id={id} value={tiles[id]} z={stacking.get(id) ?? 0} dragging={drag.draggingId === id} drag={drag.handlers} />
          ))}
        </div>
        {ghosts.map((ghost) => {
          const tile = asTile(ghost.tileId, tiles[ghost.tileId]);
          return tile ? <GhostTile key={ghost.conflictId} ghost={ghost} tile={tile} resolve={resolve} /> : null;
        })}
        <OtherCursors />
      </div>
    </div>
  );
}
