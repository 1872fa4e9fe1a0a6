/**
 * `useConflicts(path?)`: the open conflicts (remote writes that replaced a
 * concurrent local one) and a way to settle them.
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { Conflict, ConflictChoice } from '../model/conflicts/conflict.ts';
import { useProvidedModel } from './sync-context.ts';

/** What `useConflicts` returns. */
export interface ConflictsState {
  /** The open conflicts at the path or below it, oldest first (see `model.conflicts()`). */
  readonly conflicts: readonly Conflict[];
  /**
   * Settles a conflict: `'mine'` writes the local value again, `'theirs'`
   * keeps the remote one. Returns false when the conflict is no longer open.
   */
  readonly resolve: (id: string, choice: ConflictChoice) => boolean;
}

/**
 * The open conflicts at `path` (relative to the provider's model; every
 * conflict when omitted) or below it, with `resolve(id, 'mine' | 'theirs')`.
 * The component re-renders only when that list changes. A server render
 * has none.
 *
 * @example
 * const { conflicts, resolve } = useConflicts(`todos.${id}`);
 * return conflicts.map((c) => (
 *   <p key={c.id}>
 *     {c.path}: kept {String(c.theirs)}
 *     <button onClick={() => resolve(c.id, 'mine')}>Use mine ({String(c.mine)})</button>
 *     <button onClick={() => resolve(c.id, 'theirs')}>Dismiss</button>
 *   </p>
 * ));
 */
export function useConflicts(path?: string): ConflictsState {
  const model = useProvidedModel('useConflicts');
  const subscribe = useCallback((onChange: () => void) => model.watchConflicts(onChange), [model]);
  const read = (): readonly Conflict[] => model.conflicts(path);
  const conflicts = useSyncExternalStore(subscribe, read, noConflicts);
  const resolve = useCallback((id: string, choice: ConflictChoice) => model.resolveConflict(id, choice), [model]);
  return useMemo(() => ({ conflicts, resolve }), [conflicts, resolve]);
}

const NONE: readonly Conflict[] = Object.freeze([]);
const noConflicts = (): readonly Conflict[] => NONE;
