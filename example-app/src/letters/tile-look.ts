/**
 * How a tile looks, the same on every client: a slight tilt from its id and
 * a text colour that reads on its colour.
 */
import type { CSSProperties } from 'react';
import { seededRandom, type Pos } from './letters.ts';

const tilts = new Map<string, number>();

/** The tile's tilt in degrees (-7 to 7), from its id. */
export function tiltOf(id: string): number {
  let tilt = tilts.get(id);
  if (tilt === undefined) tilts.set(id, (tilt = Math.round((seededRandom(`tilt:${id}`)() - 0.5) * 140) / 10));
  return tilt;
}

/** Dark text on light colours (yellow), white on the others. */
export function inkOn(color: string): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!match) return '#fff';
  const [r, g, b] = [match[1], match[2], match[3]].map((hex) => parseInt(hex as string, 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6 ? '#3b2f00' : '#fff';
}

/** The inline style placing a tile (or its ghost) at `pos` in `color`. */
export function tileStyle(id: string, pos: Pos, color: string): CSSProperties {
  return {
    transform: `translate(${pos.x}px, ${pos.y}px) rotate(${tiltOf(id)}deg)`,
    ['--tile-color' as string]: color,
    ['--tile-ink' as string]: inkOn(color),
  };
}
