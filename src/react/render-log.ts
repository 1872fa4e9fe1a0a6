/**
 * The render log: which hooks rendered, for devtools. Every yracer hook
 * reports itself (its name and what it reads) each time its component
 * renders; with no observer (devtools not mounted) a report costs one
 * check of an empty set.
 */

/** One hook's render: the hook's name and what it reads (a path, a document, a query). */
export interface RenderNote {
  readonly hook: string;
  readonly key: string;
}

const observers = new Set<(note: RenderNote) => void>();

/**
 * Calls `observer` for every render of a yracer hook from now on (devtools
 * use it to show which hooks re-rendered for the last change); returns a
 * function that stops it. Under `<StrictMode>` React renders twice in
 * development, so counts double there.
 *
 * @example
 * const stop = observeRenders(({ hook, key }) => console.log(hook, key));
 */
export function observeRenders(observer: (note: RenderNote) => void): () => void {
  observers.add(observer);
  return () => void observers.delete(observer);
}

/** Reports a hook's render (called by the hooks while rendering). */
export function noteRender(hook: string, key: string): void {
  if (observers.size === 0) return;
  const note: RenderNote = { hook, key };
  for (const observer of observers) observer(note);
}
