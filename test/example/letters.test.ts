/**
 * The letters example's data logic (example-app/src/letters/letters.ts) on
 * plain models: two local models exchange Yjs updates the way the server
 * would relay them, so seeding races and concurrent moves are exact.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model } from 'yracer'; // the built package, as the example uses
import {
  BOARD_HEIGHT,
  BOARD_WIDTH,
  TILE_SIZE,
  clampPos,
  ghostOf,
  moveTile,
  readTiles,
  roomDoc,
  roomFromPath,
  seedRoom,
  seedTiles,
  topZ,
} from '../../example-app/src/letters/letters.ts';
import { BOARD_OUTER_WIDTH, boardScale } from '../../example-app/src/letters/use-board-scale.ts';

const ROOM = 'r1';
const DOC = roomDoc(ROOM);
const REMOTE = Symbol('remote');

/** A model with a fixed Yjs client id for the room (the higher id wins a concurrent write). */
function peer(client: number): Model {
  const model = createModel();
  model.yDoc(DOC).clientID = client;
  return model;
}

function send(from: Model, to: Model): void {
  const update = Y.encodeStateAsUpdate(from.yDoc(DOC), Y.encodeStateVector(to.yDoc(DOC)));
  Y.applyUpdate(to.yDoc(DOC), update, REMOTE);
}

function exchange(a: Model, b: Model): void {
  send(a, b);
  send(b, a);
}

const positions = (model: Model): Record<string, unknown> => Object.fromEntries(readTiles(model.get(DOC)).map((tile) => [tile.id, tile.pos]));

describe('letters example: data', () => {
  it('reads the room from the page path and refuses bad names', () => {
    expect(roomFromPath('/letters/lobby')).toBe('lobby');
    expect(roomFromPath('/letters/e2e-AB_9/')).toBe('e2e-AB_9');
    expect(roomFromPath(`/letters/${'x'.repeat(64)}`)).toBe('x'.repeat(64));
    for (const bad of ['/letters/', '/letters/a.b', '/letters/a/b', '/letters/%20', `/letters/${'x'.repeat(65)}`, '/lettersx', '/']) {
      expect(roomFromPath(bad)).toBeNull();
    }
  });

  it('seeds the same tiles everywhere, all inside the board', () => {
    const tiles = seedTiles();
    expect(seedTiles()).toEqual(tiles);
    expect(Object.keys(tiles)).toHaveLength(26 + 'hello'.length + 'yjs'.length + 'racer'.length);
    for (const { pos } of Object.values(tiles)) {
      expect(pos).toEqual(clampPos(pos));
      expect(pos.x).toBeGreaterThanOrEqual(0);
      expect(pos.y).toBeGreaterThanOrEqual(0);
      expect(pos.x).toBeLessThanOrEqual(BOARD_WIDTH - TILE_SIZE);
      expect(pos.y).toBeLessThanOrEqual(BOARD_HEIGHT - TILE_SIZE);
    }
  });

  it('converges when two clients seed an empty room at once, without duplicates or conflicts', () => {
    const a = peer(1);
    const b = peer(2);
    expect(seedRoom(a, ROOM)).toBe(Object.keys(seedTiles()).length);
    expect(seedRoom(b, ROOM)).toBe(Object.keys(seedTiles()).length);
    exchange(a, b);
    expect(a.get(DOC)).toEqual(b.get(DOC));
    expect(readTiles(a.get(DOC))).toHaveLength(Object.keys(seedTiles()).length);
    expect(a.conflicts()).toEqual([]);
    expect(b.conflicts()).toEqual([]);
    // Seeding a seeded room writes nothing, and leaves moved tiles where they are.
    moveTile(a, ROOM, 'q', { x: 5, y: 6 });
    expect(seedRoom(a, ROOM)).toBe(0);
    expect(a.get(`${DOC}.tiles.q.pos`)).toEqual({ x: 5, y: 6, z: 1 });
  });

  it('moves a tile with one write of its position, clamped to the board', () => {
    const a = peer(1);
    const b = peer(2);
    seedRoom(a, ROOM);
    exchange(a, b);
    const changes: string[] = [];
    b.on('change', `${DOC}.**`, (event) => changes.push(event.path));
    moveTile(a, ROOM, 'a', { x: 100.4, y: 200.6 });
    moveTile(a, ROOM, 'b', { x: -20, y: 10_000 });
    send(a, b);
    expect(b.get(`${DOC}.tiles.a.pos`)).toEqual({ x: 100, y: 201, z: 1 });
    expect(b.get(`${DOC}.tiles.b.pos`)).toEqual({ x: 4, y: BOARD_HEIGHT - TILE_SIZE - 4, z: 2 }); // a tilted tile's corners stay on the board
    expect(changes).toEqual([`${DOC}.tiles.a.pos`, `${DOC}.tiles.b.pos`]);
  });

  it('stores the stacking: each move puts the tile on top, a drag keeps its place, and every client reads the same', () => {
    const a = peer(1);
    const b = peer(2);
    seedRoom(a, ROOM);
    exchange(a, b);
    const z = (model: Model): Record<string, number> => Object.fromEntries(readTiles(model.get(DOC)).filter((tile) => tile.z > 0).map((tile) => [tile.id, tile.z]));
    expect(z(a)).toEqual({}); // seeded tiles are all at 0
    expect(topZ(a.get(DOC))).toBe(0);
    moveTile(a, ROOM, 'c', { x: 10, y: 10 });
    moveTile(a, ROOM, 'd', { x: 20, y: 10 });
    for (let step = 1; step <= 4; step++) moveTile(a, ROOM, 'c', { x: 30 + step, y: 10 }); // one drag: one place
    expect(z(a)).toEqual({ c: 3, d: 2 });
    send(a, b);
    moveTile(b, ROOM, 'd', { x: 40, y: 40 });
    send(b, a);
    expect(z(a)).toEqual({ c: 3, d: 4 });
    expect(z(b)).toEqual(z(a));
    expect(topZ(a.get(DOC))).toBe(4);
    expect(topZ(a.get(DOC), 'd')).toBe(3);
    // Stored values that are not a number count as 0.
    expect(readTiles({ tiles: { x: { char: 'X', color: 'red', pos: { x: 1, y: 2, z: 'top' } } } })[0]?.z).toBe(0);
  });

  it('gives exactly one conflict per tile for concurrent drags, on the losing side, with my last position', () => {
    const a = peer(1);
    const b = peer(2);
    seedRoom(a, ROOM);
    exchange(a, b);
    // Drags write every frame: only the last position of each counts.
    for (let step = 1; step <= 5; step++) moveTile(a, ROOM, 'm', { x: 10 * step, y: 10 });
    for (let step = 1; step <= 3; step++) moveTile(b, ROOM, 'm', { x: 600, y: 50 * step });
    moveTile(a, ROOM, 'z', { x: 1, y: 2 }); // moved by one side only: no conflict
    exchange(a, b);
    expect(positions(a)).toEqual(positions(b));
    const [loser, winner] = a.conflicts().length > 0 ? [a, b] : [b, a];
    expect(winner.conflicts()).toEqual([]);
    expect(loser.conflicts()).toHaveLength(1);
    const [conflict] = loser.conflicts();
    const mine = loser === a ? { x: 50, y: 10 } : { x: 600, y: 150 };
    const theirs = loser === a ? { x: 600, y: 150 } : { x: 50, y: 10 };
    expect(conflict).toMatchObject({ path: `${DOC}.tiles.m.pos`, mine, theirs });
    expect(loser.get(`${DOC}.tiles.m.pos`)).toMatchObject(theirs);
    expect(ghostOf(conflict!, ROOM)).toEqual({ conflictId: conflict!.id, tileId: 'm', mine });
    expect(ghostOf(conflict!, 'other')).toBeNull();
  });

  it("settles the conflict either way so that both agree: 'mine' moves the tile back, 'theirs' keeps it", () => {
    for (const choice of ['mine', 'theirs'] as const) {
      const a = peer(1);
      const b = peer(2);
      seedRoom(a, ROOM);
      exchange(a, b);
      moveTile(a, ROOM, 'k', { x: 111, y: 11 });
      moveTile(b, ROOM, 'k', { x: 222, y: 22 });
      exchange(a, b);
      const [loser, winner] = a.conflicts().length > 0 ? [a, b] : [b, a];
      const [conflict] = loser.conflicts();
      expect(loser.resolveConflict(conflict!.id, choice)).toBe(true);
      exchange(a, b);
      const expected = choice === 'mine' ? conflict!.mine : conflict!.theirs;
      expect(a.get(`${DOC}.tiles.k.pos`)).toEqual(expected);
      expect(b.get(`${DOC}.tiles.k.pos`)).toEqual(expected);
      expect(loser.conflicts()).toEqual([]);
      expect(winner.conflicts()).toEqual([]);
    }
  });

  it('shows a tile lost to a concurrent seed as a ghost too, and ignores other conflicts', () => {
    const conflict = { id: 'c1', path: `${DOC}.tiles.q`, mine: { char: 'Q', color: '#000', pos: { x: 3, y: 4 } }, theirs: null, at: 0 };
    expect(ghostOf(conflict, ROOM)).toEqual({ conflictId: 'c1', tileId: 'q', mine: { x: 3, y: 4 } });
    expect(ghostOf({ ...conflict, path: `${DOC}.tiles.q.char`, mine: 'Q' }, ROOM)).toBeNull();
    expect(ghostOf({ ...conflict, path: `${DOC}.tiles`, mine: {} }, ROOM)).toBeNull();
    expect(ghostOf({ ...conflict, path: `${DOC}.tiles.q.pos`, mine: 'nonsense' }, ROOM)).toBeNull();
  });

  it('skips malformed tiles when reading', () => {
    const doc = { tiles: { a: { char: 'A', color: 'red', pos: { x: 1, y: 2 } }, b: { char: 'B' }, c: null, d: { char: 'D', color: 'red', pos: { x: 'no', y: 0 } } } };
    expect(readTiles(doc).map((tile) => tile.id)).toEqual(['a']);
    expect(readTiles(undefined)).toEqual([]);
  });
});

describe('letters example: board scale', () => {
  it('draws the board at full size when it fits, scaled to the width when it does not', () => {
    expect(boardScale(1200)).toBe(1);
    expect(boardScale(BOARD_OUTER_WIDTH)).toBe(1);
    expect(boardScale(BOARD_OUTER_WIDTH / 2)).toBe(0.5);
    expect(boardScale(343)).toBeCloseTo(343 / 962, 6); // a 375 px phone, less the page's padding
  });

  it('keeps full size for a frame not laid out yet (0 or no width)', () => {
    expect(boardScale(0)).toBe(1);
    expect(boardScale(-5)).toBe(1);
    expect(boardScale(Number.NaN)).toBe(1);
  });
});
