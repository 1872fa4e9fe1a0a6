/**
 * The room's document: subscribed while mounted, seeded once loaded (an
 * empty room gets its letters), and its tiles as the raw snapshot (each
 * tile keeps its identity while it does not change, for memoized tiles).
 */
import { useEffect, useMemo, useState } from 'react';
import { useDoc, useModel } from 'yracer/react';
import { asTile, seedRoom } from './letters.ts';

export interface Room {
  /** The tiles by id, as stored (check each with `asTile`). */
  readonly tiles: Readonly<Record<string, unknown>>;
  /** Tile ids, sorted (a stable order for the DOM). */
  readonly ids: readonly string[];
  /** Stacking (z-index): each tile's stored place in the stack (`pos.z`), so the last moved is on top, also after a reload. */
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
  const stacking = useMemo(() => new Map(ids.map((id) => [id, asTile(id, tiles[id])?.z ?? 0])), [ids, tiles]);
  return { tiles, ids, stacking, loaded: loaded === room };
}
