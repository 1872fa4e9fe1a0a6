/**
 * How much the board shrinks to fit its frame's width (1 when it fits; a
 * phone's ~343 px give about 0.36): the board keeps its 960 × 560 board
 * pixels and is drawn scaled (CSS transform), so positions stay the same on
 * every screen. Follows the frame's size (ResizeObserver): rotating a phone
 * or resizing a window rescales it.
 */
import { useLayoutEffect, useState, type RefObject } from 'react';
import { BOARD_WIDTH } from './letters.ts';

/** The board's outer width: its pixels and its 1 px border on each side. */
export const BOARD_OUTER_WIDTH = BOARD_WIDTH + 2;

/** The scale for a frame `width` pixels wide (never above 1, never 0). */
export function boardScale(width: number): number {
  if (!Number.isFinite(width) || width <= 0) return 1;
  return Math.min(1, width / BOARD_OUTER_WIDTH);
}

export function useBoardScale(frame: RefObject<HTMLElement | null>): number {
  const [scale, setScale] = useState(1);
  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = (): void => setScale(boardScale(element.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [frame]);
  return scale;
}
