/**
 * A lost move: my tile where I had put it, see-through, joined by a dashed
 * line to where it is now (their position), with the choice: keep theirs
 * (close the conflict) or use mine (write my position again).
 */
import type { ConflictChoice } from 'yracer';
import { BOARD_HEIGHT, BOARD_WIDTH, TILE_SIZE, type Ghost, type Pos, type Tile } from './letters.ts';
import { tileStyle } from './tile-look.ts';

export interface GhostTileProps {
  readonly ghost: Ghost;
  /** The tile as it is now (at their position). */
  readonly tile: Tile;
  readonly resolve: (id: string, choice: ConflictChoice) => boolean;
}

const HALF = TILE_SIZE / 2;
const CARD_WIDTH = 250;
/** About the card's height (two lines of text and the buttons), to place it inside the board. */
const CARD_HEIGHT = 104;
const GAP = 10;

interface Box {
  readonly left: number;
  readonly top: number;
}

const overlaps = (a: Box, width: number, height: number, b: Pos): boolean =>
  a.left < b.x + TILE_SIZE && b.x < a.left + width && a.top < b.y + TILE_SIZE && b.y < a.top + height;

/** Where the card goes: below, above, right of or left of the ghost, the first inside the board that leaves their tile visible. */
function cardPlace(mine: Pos, theirs: Pos): Box {
  const centred = Math.min(Math.max(mine.x + HALF - CARD_WIDTH / 2, 4), BOARD_WIDTH - CARD_WIDTH - 4);
  const middle = Math.min(Math.max(mine.y + HALF - CARD_HEIGHT / 2, 4), BOARD_HEIGHT - CARD_HEIGHT - 4);
  const places: Box[] = [
    { left: centred, top: mine.y + TILE_SIZE + GAP },
    { left: centred, top: mine.y - GAP - CARD_HEIGHT },
    { left: mine.x + TILE_SIZE + GAP, top: middle },
    { left: mine.x - GAP - CARD_WIDTH, top: middle },
  ];
  const inside = places.filter((box) => box.left >= 0 && box.top >= 0 && box.left + CARD_WIDTH <= BOARD_WIDTH && box.top + CARD_HEIGHT <= BOARD_HEIGHT);
  return inside.find((box) => !overlaps(box, CARD_WIDTH, CARD_HEIGHT, theirs)) ?? inside[0] ?? { left: centred, top: middle };
}

export function GhostTile({ ghost, tile, resolve }: GhostTileProps) {
  const { mine } = ghost;
  const { left, top } = cardPlace(mine, tile.pos);
  return (
    <div className="ghost-layer" data-testid={`ghost-${ghost.tileId}`} data-x={mine.x} data-y={mine.y}>
      <svg className="ghost-link" width={BOARD_WIDTH} height={BOARD_HEIGHT} aria-hidden="true">
        <line x1={mine.x + HALF} y1={mine.y + HALF} x2={tile.pos.x + HALF} y2={tile.pos.y + HALF} />
      </svg>
      <div className="tile tile-ghost" style={tileStyle(tile.id, mine, tile.color)} aria-hidden="true">
        {tile.char}
      </div>
      <div className="ghost-card" role="alertdialog" aria-label={`Conflict on ${tile.char}`} style={{ left, top, width: CARD_WIDTH }}>
        <p>
          Someone else moved <strong>{tile.char}</strong> at the same time. Yours is the faded one.
        </p>
        <div className="ghost-actions">
          <button type="button" className="ghost-button" data-testid="keep-theirs" onClick={() => resolve(ghost.conflictId, 'theirs')}>
            Keep theirs
          </button>
          <button type="button" className="ghost-button ghost-button-mine" data-testid="use-mine" onClick={() => resolve(ghost.conflictId, 'mine')}>
            Use mine
          </button>
        </div>
      </div>
    </div>
  );
}
