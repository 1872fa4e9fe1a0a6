/**
 * The letters example's data: one document per room, `letters.<room>` =
 * `{ tiles: { <id>: { char, color, pos: { x, y, z } } } }`, positions in board
 * pixels. A tile's position is ONE value (`pos`, written whole by `set`), so
 * a move is one write and two concurrent moves of a tile are one conflict
 * (at `letters.<room>.tiles.<id>.pos`); separate `x` and `y` fields would
 * give two, and could mix my x with their y. `z` is the tile's place in the
 * stack: a move puts the tile above every other one, so the last moved tile
 * is on top, live and after a reload alike (seeded tiles have none: 0).
 */
import type { Conflict, Model } from 'yracer';

export interface Pos {
  readonly x: number;
  readonly y: number;
}

/** A tile as stored (`letters.<room>.tiles.<id>`). */
export interface TileValue {
  readonly char: string;
  readonly color: string;
  readonly pos: Pos;
}

/** A tile as shown: its id, its (checked) value, and its place in the stack (`pos.z`, 0 when unset). */
export interface Tile extends TileValue {
  readonly id: string;
  readonly z: number;
}

/** A stored position: where the tile is, and its place in the stack (higher is on top). */
export interface StoredPos extends Pos {
  readonly z?: number;
}

/** A lost move of mine: the conflict, the tile and where I had put it. */
export interface Ghost {
  readonly conflictId: string;
  readonly tileId: string;
  readonly mine: Pos;
}

export const BOARD_WIDTH = 960;
export const BOARD_HEIGHT = 560;
export const TILE_SIZE = 56;

/** Letters, digits, `-` and `_`, 1 to 64 characters (a valid document id). */
const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PREFIX = '/letters/';
const PALETTE = ['#e53935', '#fb8c00', '#fdd835', '#43a047', '#1e88e5', '#8e24aa'] as const;
const WORDS = ['hello', 'yjs', 'racer'] as const;

/**
 * The room named by a page path (`/letters/<room>`, an optional trailing
 * slash), or null when the name is not valid.
 */
export function roomFromPath(pathname: string): string | null {
  if (!pathname.startsWith(PREFIX)) return null;
  let name = pathname.slice(PREFIX.length);
  if (name.endsWith('/')) name = name.slice(0, -1);
  return ROOM_NAME.test(name) ? name : null;
}

/** The room's document path. */
export function roomDoc(room: string): string {
  return `letters.${room}`;
}

/** A small deterministic PRNG (mulberry32) seeded by a string: same id, same numbers, on every client. */
export function seededRandom(seed: string): () => number {
  let state = 2166136261;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 16777619);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Room for a tilted tile's corners at the board's edges. */
const EDGE = 4;

/** Keeps a tile inside the board (tilt included), on whole pixels. */
export function clampPos(pos: Pos): Pos {
  const x = Math.round(Math.min(Math.max(pos.x, EDGE), BOARD_WIDTH - TILE_SIZE - EDGE));
  const y = Math.round(Math.min(Math.max(pos.y, EDGE), BOARD_HEIGHT - TILE_SIZE - EDGE));
  return { x, y };
}

/**
 * The tiles of a new room, the same on every client: the alphabet scattered
 * over the top of the board (a grid with jitter), then a few words in rows.
 */
export function seedTiles(): Record<string, TileValue> {
  const tiles: Record<string, TileValue> = {};
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < alphabet.length; i++) {
    const id = alphabet[i] as string;
    const random = seededRandom(id);
    const column = i % 13;
    const row = Math.floor(i / 13);
    tiles[id] = {
      char: id.toUpperCase(),
      color: PALETTE[i % PALETTE.length] as string,
      pos: clampPos({ x: 24 + column * 71 + random() * 14, y: 28 + row * 96 + random() * 30 }),
    };
  }
  WORDS.forEach((word, row) => {
    const random = seededRandom(word);
    const left = 40 + random() * 420;
    for (let i = 0; i < word.length; i++) {
      tiles[`${word}-${i}`] = {
        char: (word[i] as string).toUpperCase(),
        color: PALETTE[(row * 2 + i) % PALETTE.length] as string,
        pos: clampPos({ x: left + i * 62, y: 300 + row * 84 + random() * 12 }),
      };
    }
  });
  return tiles;
}

/**
 * Adds the seed tiles the room lacks, in one transaction (a batched
 * `setNull`: tiles already there are left alone). Call it once the room's
 * document is loaded. Two clients seeding an empty room at once write the
 * same ids with the same values, so they converge to one set of tiles and
 * neither sees a conflict. Returns how many tiles it added.
 */
export function seedRoom(model: Model, room: string): number {
  const path = `${roomDoc(room)}.tiles`;
  const missing = Object.fromEntries(Object.entries(seedTiles()).filter(([id]) => asTile(id, model.get(`${path}.${id}`)) === null));
  const count = Object.keys(missing).length;
  if (count > 0) model.setEach(path, missing);
  return count;
}

/** The highest place in the room's stack held by a tile other than `except` (0 for none). */
export function topZ(doc: unknown, except?: string): number {
  let top = 0;
  for (const tile of readTiles(doc)) if (tile.id !== except && tile.z > top) top = tile.z;
  return top;
}

/**
 * Moves a tile: one write of its whole position, on top of the stack (`z`
 * above every other tile's; kept while it is on top already, so the writes
 * of one drag all carry the same `z`).
 */
export function moveTile(model: Model, room: string, id: string, pos: Pos): void {
  const doc = model.get(roomDoc(room));
  const top = topZ(doc, id);
  const current = asTile(id, (doc as { tiles?: Record<string, unknown> } | undefined)?.tiles?.[id])?.z ?? 0;
  const z = current > top ? current : top + 1;
  model.set(`${roomDoc(room)}.tiles.${id}.pos`, { ...clampPos(pos), z } satisfies StoredPos);
}

/** The value as a position, or null when it is not one (data from elsewhere is checked). */
export function asPos(value: unknown): Pos | null {
  if (typeof value !== 'object' || value === null) return null;
  const { x, y } = value as { x?: unknown; y?: unknown };
  return typeof x === 'number' && Number.isFinite(x) && typeof y === 'number' && Number.isFinite(y) ? { x, y } : null;
}

/** A stored tile value as a tile, or null when it is not a well-formed one. */
export function asTile(id: string, value: unknown): Tile | null {
  if (typeof value !== 'object' || value === null) return null;
  const { char, color, pos } = value as { char?: unknown; color?: unknown; pos?: unknown };
  const at = asPos(pos);
  if (typeof char !== 'string' || typeof color !== 'string' || !at) return null;
  const z = (pos as { z?: unknown }).z;
  return { id, char, color, pos: at, z: typeof z === 'number' && Number.isFinite(z) ? z : 0 };
}

/** The room's well-formed tiles, in id order (ids are stable: so is the stacking). */
export function readTiles(doc: unknown): Tile[] {
  const tiles = (doc as { tiles?: unknown } | undefined)?.tiles;
  if (typeof tiles !== 'object' || tiles === null) return [];
  return Object.keys(tiles)
    .sort()
    .flatMap((id) => asTile(id, (tiles as Record<string, unknown>)[id]) ?? []);
}

/**
 * The ghost of a conflict in the room: a lost move (at `tiles.<id>.pos`), or
 * a lost tile (at `tiles.<id>`, e.g. a tile I moved while another client
 * seeded the room). Null for anything else.
 */
export function ghostOf(conflict: Conflict, room: string): Ghost | null {
  const prefix = `${roomDoc(room)}.tiles.`;
  if (!conflict.path.startsWith(prefix)) return null;
  const [tileId, field, ...rest] = conflict.path.slice(prefix.length).split('.');
  if (tileId === undefined || rest.length > 0) return null;
  const lost: unknown = conflict.mine;
  const mine = field === 'pos' ? asPos(lost) : field === undefined ? asTile(tileId, lost)?.pos ?? null : null;
  return mine ? { conflictId: conflict.id, tileId, mine } : null;
}
