/**
 * Calls a function at most once per animation frame with the latest value
 * pushed since the last call: a drag or a pointer that fires many events per
 * frame writes once per frame.
 */
export interface FrameThrottle<T> {
  /** Remembers `value` and calls the function with it on the next frame (once, with the latest). */
  push(value: T): void;
  /** Calls the function now with the value still waiting, if any. */
  flush(): void;
  /** Drops the value still waiting. */
  cancel(): void;
}

export function frameThrottle<T>(call: (value: T) => void): FrameThrottle<T> {
  let waiting: { value: T } | null = null;
  let frame: number | null = null;
  const flush = (): void => {
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    const next = waiting;
    waiting = null;
    if (next) call(next.value);
  };
  return {
    push(value) {
      waiting = { value };
      frame ??= requestAnimationFrame(flush);
    },
    flush,
    cancel() {
      if (frame !== null) cancelAnimationFrame(frame);
      frame = null;
      waiting = null;
    },
  };
}

/**
 * A pointer's position in board pixels (from the board's top-left inner
 * corner), also when the board is drawn scaled (its box on screen against
 * its layout width).
 */
export function boardPoint(board: HTMLElement, event: { readonly clientX: number; readonly clientY: number }): { x: number; y: number } {
  const rect = board.getBoundingClientRect();
  const scale = board.offsetWidth > 0 && rect.width > 0 ? rect.width / board.offsetWidth : 1;
  return { x: (event.clientX - rect.left) / scale - board.clientLeft, y: (event.clientY - rect.top) / scale - board.clientTop };
}
