/**
 * `onPageHide()`: the moments a page may be going away (reloaded, closed,
 * navigated from, or hidden and then discarded): `pagehide` and
 * `visibilitychange` to hidden. Work started in them, such as an IndexedDB
 * transaction, usually completes.
 */

/**
 * Calls `listener` whenever the page is hidden or unloaded; returns the
 * function that stops it. Does nothing outside a browser page.
 */
export function onPageHide(listener: () => void): () => void {
  const page = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
  if (typeof page.addEventListener !== 'function' || typeof page.removeEventListener !== 'function') return () => undefined;
  const doc = (globalThis as { document?: Document }).document;
  const onVisibility = (): void => {
    if (doc?.visibilityState === 'hidden') listener();
  };
  globalThis.addEventListener('pagehide', listener);
  doc?.addEventListener('visibilitychange', onVisibility);
  return () => {
    globalThis.removeEventListener('pagehide', listener);
    doc?.removeEventListener('visibilitychange', onVisibility);
  };
}
