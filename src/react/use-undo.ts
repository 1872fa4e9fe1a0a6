/**
 * `useUndo(paths?)`: undo and redo of this client's own changes, with
 * `canUndo`/`canRedo` that re-render the component when they change.
 */
import { useMemo, useSyncExternalStore } from 'react';
import type { Model } from '../model/model.ts';
import type { UndoManager, UndoManagerOptions } from '../model/undo/undo-manager.ts';
import { useProvidedModel } from './sync-context.ts';

/** What `useUndo` returns. */
export interface UndoControls {
  /** Reverts the most recent step of this client's own changes; true when something changed. */
  readonly undo: () => boolean;
  /** Re-applies the most recently undone step; true when something changed. */
  readonly redo: () => boolean;
  /** Ends the current step: the next change starts a new one (e.g. when a text field loses focus). */
  readonly stopCapturing: () => void;
  /** True when there is a step to undo. */
  readonly canUndo: boolean;
  /** True when there is an undone step to redo. */
  readonly canRedo: boolean;
}

/**
 * Owns the undo manager of one mounted component: it exists while React is
 * subscribed (created on subscribe, destroyed on unsubscribe), so a render
 * that is never committed creates nothing and `<StrictMode>`'s extra
 * mount/unmount leaves nothing behind.
 */
class UndoHandle {
  readonly #model: Model;
  readonly #paths: readonly string[] | undefined;
  readonly #options: UndoManagerOptions;
  #manager: UndoManager | null = null;

  constructor(model: Model, paths: readonly string[] | undefined, options: UndoManagerOptions) {
    this.#model = model;
    this.#paths = paths;
    this.#options = options;
  }

  readonly subscribe = (onChange: () => void): (() => void) => {
    const manager = this.#model.undoManager(this.#paths, this.#options);
    this.#manager = manager;
    const stop = manager.subscribe(onChange);
    return () => {
      stop();
      manager.destroy();
      if (this.#manager === manager) this.#manager = null;
    };
  };

  /** The state as one number (bit 1: can undo, bit 2: can redo): a stable snapshot. */
  readonly state = (): number => {
    const manager = this.#manager;
    return manager === null ? 0 : (manager.canUndo ? 1 : 0) | (manager.canRedo ? 2 : 0);
  };

  readonly undo = (): boolean => this.#manager?.undo() ?? false;
  readonly redo = (): boolean => this.#manager?.redo() ?? false;
  readonly stopCapturing = (): void => this.#manager?.stopCapturing();
}

const serverState = (): number => 0;

/**
 * Undo and redo of this client's own changes at `paths` (absolute paths of
 * collections, documents or fields; every synced document when omitted).
 * Another user's changes are never undone. Changes less than
 * `captureTimeoutMs` (500) apart form one step, across documents. The
 * component gets its own undo manager while mounted (changes made before it
 * mounted are not undoable) and re-renders when `canUndo` or `canRedo`
 * changes. `undo`, `redo` and `stopCapturing` keep their identity while the
 * paths stay the same.
 *
 * @example
 * function Toolbar() {
 *   const { undo, redo, canUndo, canRedo } = useUndo(['todos']);
 *   return (
 *     <>
 *       <button onClick={undo} disabled={!canUndo}>Undo</button>
 *       <button onClick={redo} disabled={!canRedo}>Redo</button>
 *     </>
 *   );
 * }
 */
export function useUndo(paths?: string | readonly string[], options: UndoManagerOptions = {}): UndoControls {
  const model = useProvidedModel('useUndo');
  const list = paths === undefined ? undefined : typeof paths === 'string' ? [paths] : paths;
  // Inline arrays and option objects are new on every render: the manager is keyed on their content.
  const key = JSON.stringify([list ?? null, options.captureTimeoutMs ?? null]);
  const handle = useMemo(() => new UndoHandle(model, list, options), [model, key]);
  const state = useSyncExternalStore(handle.subscribe, handle.state, serverState);
  return useMemo(
    () => ({
      undo: handle.undo,
      redo: handle.redo,
      stopCapturing: handle.stopCapturing,
      canUndo: (state & 1) !== 0,
      canRedo: (state & 2) !== 0,
    }),
    [handle, state],
  );
}
