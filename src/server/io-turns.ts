/**
 * Letting the event loop breathe during long runs of promise callbacks.
 *
 * A connection handles its frames in a chain of promises; when its checks
 * and writes finish without waiting for anything (synchronous rules, say), a
 * burst of frames runs as one long string of microtasks, and no other socket
 * is read or written until it ends. Each step of such a chain asks
 * `ioTurn()` first: once more than `SLICE_MS` passed since the event loop
 * last had a turn, it waits for one (a `setImmediate`), so one client's burst
 * delays the others by about that much at most.
 */

/** Settles after the event loop had a turn (always: for work that yields after each step of its own). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Longest run of promise callbacks before the event loop gets a turn, in ms. */
export const SLICE_MS = 10;

/** When the current slice began: the first call since the event loop last had a turn. */
let sliceStart = 0;
/** A slice is running: the event loop has not had a turn since it began. */
let sliceOpen = false;
let turn: Promise<void> | null = null;

const endSlice = (): void => {
  sliceOpen = false;
};

/**
 * Null when the current slice has time left (go on at once), or a promise
 * that settles after the event loop had a turn (await it first).
 */
export function ioTurn(): Promise<void> | null {
  if (turn) return turn;
  const now = performance.now();
  if (!sliceOpen) {
    // The first call since the loop had a turn starts a slice; the next turn ends it.
    sliceOpen = true;
    sliceStart = now;
    setImmediate(endSlice);
    return null;
  }
  if (now - sliceStart <= SLICE_MS) return null;
  turn = new Promise<void>((resolve) =>
    setImmediate(() => {
      // The chain goes on in this turn: a new slice begins here.
      turn = null;
      sliceOpen = true;
      sliceStart = performance.now();
      setImmediate(endSlice);
      resolve();
    }),
  );
  return turn;
}
