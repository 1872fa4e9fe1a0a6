/**
 * Conflicts: a remote write replaced a value this client wrote concurrently
 * (its writer had not seen the local value), so the local value was lost.
 * Yjs settles such races silently; the model reports them (see
 * conflict-tracker.ts for when, and for what is not reported).
 */
import type { JsonValue } from '../paths/json-value.ts';

/**
 * One lost local write: `mine` is what this client had written at `path`,
 * `theirs` what the concurrent remote write put there (the value now shown).
 *
 * @example
 * model.on('conflict', 'todos.**', (conflict) => {
 *   console.log(`${conflict.path}: kept ${JSON.stringify(conflict.theirs)}, lost ${JSON.stringify(conflict.mine)}`);
 * });
 */
export interface Conflict {
  /** Identifies the conflict in `resolveConflict`; unique within the model. */
  readonly id: string;
  /** Absolute path of the overwritten value (`todos.a1.title`, `letters.r1.items.3.x`). */
  readonly path: string;
  /** The local value that was replaced (its JSON value when it was an object, array, text or counter). */
  readonly mine: JsonValue | undefined;
  /** The remote value that replaced it, as it was when the conflict was detected. */
  readonly theirs: JsonValue | undefined;
  /** When the conflict was detected (ms since the epoch). */
  readonly at: number;
}

/** How `resolveConflict` settles a conflict: write the local value again, or keep the remote one. */
export type ConflictChoice = 'mine' | 'theirs';

/**
 * A `model.on('conflict', pattern, listener)` listener: gets the conflict and
 * the segments the pattern's wildcards matched.
 */
export type ConflictListener = (conflict: Conflict, captures: readonly string[]) => void;
