/**
 * The browser's own idea of the network (`navigator.onLine` and the window's
 * `online`/`offline` events). A socket can stay open for many seconds after
 * the network went away (and DevTools' offline mode leaves open WebSockets
 * alone), so the client drops it as soon as the browser says it is offline,
 * and reconnects at once, skipping the backoff, when it says it is back.
 */

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** False only when the browser says for sure it has no network (true where nobody says). */
export function browserOnline(): boolean {
  const navigator = (globalThis as { navigator?: { onLine?: unknown } }).navigator;
  return navigator?.onLine !== false;
}

/** Calls `offline` and `online` on the browser's network events; returns the stop function (a no-op outside browsers). */
export function watchNetwork(offline: () => void, online: () => void): () => void {
  const target = globalThis as Partial<EventTargetLike>;
  if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') return () => undefined;
  // Only where the events exist for real (a window); Node has no `ononline`.
  if (!('ononline' in globalThis)) return () => undefined;
  target.addEventListener('offline', offline);
  target.addEventListener('online', online);
  return () => {
    target.removeEventListener?.('offline', offline);
    target.removeEventListener?.('online', online);
  };
}
