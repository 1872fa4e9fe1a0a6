/**
 * Which reactive function (or filter) made a write: its writes carry a
 * `passed` object registered here, so its own events can be told apart
 * (a function never re-runs for its own writes, as in Racer) and chains of
 * functions feeding each other can be counted and stopped. The mark is
 * invisible to listeners: `event.passed` holds only the caller's data.
 */
import type { Passed } from '../events/model-event.ts';
import type { ModelStore } from '../documents/model-store.ts';
import type { WriteScope } from './write-scope.ts';

/** Who wrote, and how many reactive writes led to this one. */
export interface WriteOrigin {
  /** The started function or filter that wrote. */
  readonly owner: object;
  /** 1 for a write caused by an outside change, n + 1 for one caused by a reactive write of depth n. */
  readonly depth: number;
}

/** Longest chain of reactive writes one change may cause before it is taken for a loop. */
export const MAX_REACTIVE_DEPTH = 100;

const origins = new WeakMap<Passed, WriteOrigin>();

/** The origin of a write from the `passed` of its event (undefined for writes made by code). */
export function originOf(passed: Passed): WriteOrigin | undefined {
  return origins.get(passed);
}

/** The depth of the chain that leads to a write with this `passed` (0: not a reactive write). */
export function depthOf(passed: Passed): number {
  return origins.get(passed)?.depth ?? 0;
}

/**
 * A write scope whose writes are marked as `owner`'s, at `depth`, carrying
 * the data passed with the change that caused them (as Racer does).
 */
export function originScope(store: ModelStore, passed: Passed, owner: object, depth: number): WriteScope {
  const marked: Passed = Object.freeze({ ...passed });
  origins.set(marked, { owner, depth });
  return { store, passed: marked, muted: false };
}
