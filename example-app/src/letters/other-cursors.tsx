/**
 * The others' pointers on the board, each an arrow in its colour with its
 * name, from the room's presence. Only peers whose pointer is on the board
 * are drawn.
 */
import type { PresencePeer } from 'yracer';
import { useOthers } from 'yracer/react';
import type { CursorState } from './identity.ts';

interface Pointing {
  readonly clientId: number;
  readonly name: string;
  readonly color: string;
  readonly x: number;
  readonly y: number;
}

function isPointing(state: Partial<CursorState>): state is CursorState & { x: number; y: number } {
  return typeof state.name === 'string' && typeof state.color === 'string' && Number.isFinite(state.x) && Number.isFinite(state.y);
}

/** Module-level, so useOthers keeps its last result while the peers do not change. */
function selectPointing(others: readonly PresencePeer<Partial<CursorState>>[]): readonly PresencePeer<Partial<CursorState>>[] {
  return others.filter((peer) => isPointing(peer.state));
}

function toPointing(peer: PresencePeer<Partial<CursorState>>): Pointing | null {
  const { state } = peer;
  return isPointing(state) ? { clientId: peer.clientId, name: state.name, color: state.color, x: state.x, y: state.y } : null;
}

export function OtherCursors() {
  const peers = useOthers(selectPointing);
  return (
    <>
      {peers.map((peer) => {
        const cursor = toPointing(peer);
        if (!cursor) return null;
        return (
          <div
            key={cursor.clientId}
            className="cursor"
            data-testid={`cursor-${cursor.name}`}
            style={{ transform: `translate(${cursor.x}px, ${cursor.y}px)`, ['--cursor-color' as string]: cursor.color }}
          >
            <svg width="18" height="22" viewBox="0 0 18 22" aria-hidden="true">
              <path d="M1 1 L1 17 L5.5 13 L9 20.5 L12 19 L8.5 11.8 L14.5 11.8 Z" />
            </svg>
            <span className="cursor-name">{cursor.name}</span>
          </div>
        );
      })}
    </>
  );
}
