/**
 * `useHistory(collection, id)`: a document's history for a "version
 * history" panel (docs/history.md): its checkpoints, newest first, asked of
 * the server when the component mounts (and by `reload()`), with the
 * server's read rule deciding; plus `snapshotAt` and `restore`.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { loadHistory, loadSnapshot, restoreSnapshot, type HistoryCheckpoint } from '../client/history-requests.ts';
import { useProvidedModel } from './sync-context.ts';

/** What `useHistory` returns. */
export interface HistoryState {
  /** The checkpoints, newest first; undefined until the first answer (and after an error). */
  readonly checkpoints: readonly HistoryCheckpoint[] | undefined;
  /** True while a listing is asked for. */
  readonly loading: boolean;
  /** Why the last listing failed (a `SyncError`: `forbidden`, `history-off`, ...), or null. */
  readonly error: Error | null;
  /** Asks for the listing again (new checkpoints are taken as the document changes). */
  reload(): void;
  /** The document's value at a checkpoint (undefined when it did not exist then); rejects with the server's refusal. */
  snapshotAt(checkpoint: number): Promise<unknown>;
  /**
   * Writes a checkpoint's value back as a new change (a model write, so the
   * write rules and schema apply), then reloads the listing; rejects with
   * the refusal.
   */
  restore(checkpoint: number): Promise<void>;
}

/**
 * A document's checkpoints, for a version history panel. Asks the server
 * when mounted and whenever `collection` or `id` change or `reload()` is
 * called; an answer to an older question is ignored.
 *
 * @example
 * const { checkpoints, error, restore } = useHistory('todos', id);
 * if (error) return <p>{error.message}</p>;
 * return <ul>{checkpoints?.map((c) => <li key={c.checkpoint}>{new Date(c.time).toLocaleString()} <button onClick={() => void restore(c.checkpoint)}>Restore</button></li>)}</ul>;
 */
export function useHistory(collection: string, id: string): HistoryState {
  const model = useProvidedModel('useHistory');
  const [state, setState] = useState<{ readonly checkpoints: readonly HistoryCheckpoint[] | undefined; readonly loading: boolean; readonly error: Error | null }>({
    checkpoints: undefined,
    loading: true,
    error: null,
  });
  const [generation, setGeneration] = useState(0);
  const asked = useRef(0);
  useEffect(() => {
    const question = ++asked.current;
    setState((previous) => (previous.loading ? previous : { ...previous, loading: true }));
    loadHistory(model, collection, id).then(
      (checkpoints) => {
        if (asked.current === question) setState({ checkpoints, loading: false, error: null });
      },
      (error: unknown) => {
        if (asked.current === question) setState({ checkpoints: undefined, loading: false, error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => {
      // A later question (or unmounting) makes this answer stale.
      if (asked.current === question) asked.current++;
    };
  }, [model, collection, id, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const snapshotAt = useCallback((checkpoint: number) => loadSnapshot(model, collection, id, checkpoint), [model, collection, id]);
  const restore = useCallback(
    async (checkpoint: number) => {
      await restoreSnapshot(model, collection, id, checkpoint);
      reload();
    },
    [model, collection, id, reload],
  );
  return useMemo(() => ({ ...state, reload, snapshotAt, restore }), [state, reload, snapshotAt, restore]);
}
