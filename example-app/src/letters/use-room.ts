/**
 * The room's document: subscribed while mounted, seeded once loaded (an
 * empty room gets its letters), and its tiles as the raw snapshot (each
 * tile keeps its identity while it does not change, for memoized tiles).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useDoc, useModel } from 'yracer/react';
import { seedRoom } from './letters.ts';

export interface Room {
  /** The tiles by id, as stored (check each with `asTile`). */
  readonly tiles: Readonly<Record<string, unknown>>;
  /** Tile ids, sorted (a stable order for the DOM). */
  readonly ids: readonly string[];
  /** Stacking: tiles moved since the page loaded (by anyone) get higher numbers; the others 0. */
  readonly stacking: ReadonlyMap<string, number>;
  /** True once the document came from the server or the offline store (and was seeded). */
  readonly loaded: boolean;
}

const NO_TILES: Readonly<Record<string, unknown>> = {};

export function useRoom(room: string): Room {
  const model = useModel();
  const [doc] = useDoc<{ tiles?: Record<string, unknown> }>('letters', room);
  const [loaded, setLoaded] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    const path = `letters.${room}`;
    // Seed only what the server (or the offline copy) does not have: never before it answered.
    model.subscribe(path).then(
      () => {
        if (!active) return;
        seedRoom(model, room);
        setLoaded(room);
      },
      (error: unknown) => console.error(`letters: loading room ${room} failed`, error),
    );
    return () => {
      active = false;
      void model.unsubscribe(path);
    };
  }, [model, room]);
  const raw = doc?.tiles;
  const tiles = typeof raw === 'object' && raw !== null ? raw : NO_TILES;
  const ids = useMemo(() => Object.keys(tiles).sort(), [tiles]);
  const stacking = useStacking(tiles);
  return { tiles, ids, stacking, loaded: loaded === room };
}

/**
 * The last moved tile on top: a tile whose value changed since the previous
 * snapshot gets the next number (z-index). Snapshots are structurally shared,
 * so an unchanged tile keeps its object. The same snapshot gives the same map.
 */
function useStacking(tiles: Readonly<Record<string, unknown>>): ReadonlyMap<string, number> {
  const last = useRef<{ tiles: Readonly<Record<string, unknown>>; stacking: Map<string, number>; next: number } | null>(null);
  const previous = last.current;
  if (previous?.tiles === tiles) return previous.stacking;
  const stacking = new Map(previous?.stacking);
  let next = previous?.next ?? 0;
  if (previous && previous.tiles !== NO_TILES) {
    for (const id of Object.keys(tiles)) if (previous.tiles[id] !== undefined && previous.tiles[id] !== tiles[id]) stacking.set(id, ++next);
  }
  last.current = { tiles, stacking, next };
  return stacking;
}
