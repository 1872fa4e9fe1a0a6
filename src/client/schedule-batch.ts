/**
 * `scheduleBatch()`: when work batched per frame runs (IndexedDB writes,
 * posts to other tabs): on the next animation frame while the page is
 * visible, with a timer standing in when no frame comes (a busy renderer);
 * at the end of the turn while the page is hidden (no frames then, and the
 * page may be discarded: nothing waits); after a zero timer where there are
 * no frames (Node, workers). What must not wait for it is run at once by its
 * owner on `pagehide` (see page-hide.ts). `scheduleIdle()`: when work that
 * can wait for an idle moment runs (compaction).
 */

/** The longest a batch waits for an animation frame (frames can stop: a background tab, a busy renderer). */
const FRAME_WAIT_MS = 50;

interface Page {
  readonly requestAnimationFrame?: (callback: () => void) => number;
  readonly document?: { readonly visibilityState?: string };
}

/** Calls `run` once, when a batch should run (see the module comment). */
export function scheduleBatch(run: () => void): void {
  const page = globalThis as Page;
  const visibility = page.document?.visibilityState;
  if (visibility === 'hidden') {
    queueMicrotask(run);
    return;
  }
  const frames = typeof page.requestAnimationFrame === 'function' && visibility !== undefined;
  let ran = false;
  const once = (): void => {
    if (ran) return;
    ran = true;
    clearTimeout(timer);
    run();
  };
  const timer = setTimeout(once, frames ? FRAME_WAIT_MS : 0);
  if (frames) page.requestAnimationFrame?.(once);
}

/** The longest compaction and other deferred work waits for an idle period, in ms. */
const IDLE_WAIT_MS = 2000;

/** Calls `run` once, when the page is idle (`requestIdleCallback`; a short timer where there is none). */
export function scheduleIdle(run: () => void): void {
  const page = globalThis as { requestIdleCallback?: (callback: () => void, options?: { timeout: number }) => number };
  if (typeof page.requestIdleCallback === 'function') page.requestIdleCallback(run, { timeout: IDLE_WAIT_MS });
  else setTimeout(run, 0);
}
