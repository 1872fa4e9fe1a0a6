/**
 * `YracerDevtools`: a button that opens yracer's devtools panel over the
 * page. The panel's code loads only when first opened (a separate chunk in
 * a bundler), and nothing of it is in a bundle that does not import
 * `yracer/devtools`.
 */
import { lazy, Suspense, useContext, useState, type CSSProperties, type ReactNode } from 'react';
import type { Model } from '../model/model.ts';
import { SyncContext } from '../react/sync-context.ts';
import { styles } from './devtools-styles.ts';

const DevtoolsPanel = lazy(() => import('./devtools-panel.tsx'));

/** Props of `YracerDevtools`. */
export interface YracerDevtoolsProps {
  /** The model to inspect (default: the nearest `SyncProvider`'s). */
  readonly model?: Model | undefined;
  /** Open at first (default false: only the button shows). */
  readonly initialOpen?: boolean | undefined;
  /**
   * Style of the button that opens the panel, over the default (fixed at the
   * page's bottom right). `{ position: 'static' }` puts it in the page's flow.
   */
  readonly toggleStyle?: CSSProperties | undefined;
}

/**
 * yracer's devtools: documents (held how, pending writes, size, last
 * change, value as JSON, editable), live queries, the connection with a log
 * of recent frames, presence, conflicts, and which hooks re-rendered for the
 * last change. Render it inside `SyncProvider` (or pass `model`); show it
 * in development only, or behind a toggle.
 *
 * @example
 * <SyncProvider url={url}>
 *   <App />
 *   {import.meta.env.DEV ? <YracerDevtools /> : null}
 * </SyncProvider>
 */
export function YracerDevtools({ model, initialOpen = false, toggleStyle }: YracerDevtoolsProps): ReactNode {
  const provided = useContext(SyncContext);
  const [open, setOpen] = useState(initialOpen);
  const target = model ?? provided;
  if (!target) throw new Error('yracer YracerDevtools: no model here. Render it inside <SyncProvider> or pass model={model}.');
  if (!open) {
    return (
      <button type="button" data-testid="yracer-devtools-toggle" style={toggleStyle ? { ...styles.toggle, ...toggleStyle } : styles.toggle} onClick={() => setOpen(true)}>
        yracer devtools
      </button>
    );
  }
  return (
    <Suspense fallback={null}>
      <DevtoolsPanel model={target} onClose={() => setOpen(false)} />
    </Suspense>
  );
}
