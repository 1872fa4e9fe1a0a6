/**
 * `setArrayDiff` and `setArrayDiffDeep`: make the array at a path equal to a
 * new array by removing, moving and inserting elements (see `arrayDiff`), all
 * in one Yjs transaction, so one update goes out and listeners get insert,
 * remove and move events instead of one change of the whole array.
 *
 * Elements left in place keep their Yjs items: a peer's concurrent edit
 * inside one of them survives the merge. A moved element is deleted and
 * re-inserted as a copy (Yjs has no move), which keeps texts as texts and
 * counters as counters but drops a concurrent edit made inside it.
 *
 * Events are derived from what the transaction did, as for every write (and
 * as a peer receiving the update derives them): a lone move is one `move`
 * event; several steps show as the `remove` and `insert` events that lead
 * from the old array to the new one.
 *
 * What `setArrayDiff`'s identity means here: snapshots are frozen and
 * structurally shared, so an element that did not change is the very same
 * object in every `get()` until it changes. Elements of the new array that
 * come from a read of the array (`model.get(path)`, possibly reordered or
 * filtered) are recognised; a copy (`getCopy`, a parsed JSON) is not and is
 * written as a new element, which `setArrayDiffDeep` avoids. Primitives
 * compare with `===`.
 */
import type * as Y from 'yjs';
import { arrayDiff, type ArrayEquality, type ArrayStep } from './array-diff.ts';
import { arrayTarget, ensureArray } from './array-mutations.ts';
import { assertJson } from '../paths/locate.ts';
import { modelError } from '../model-error.ts';
import { cloneStored, toYjs } from './to-yjs.ts';
import { commit, settle, type WriteCallback, type WriteScope } from './write-scope.ts';

function applySteps(array: Y.Array<unknown>, steps: readonly ArrayStep[]): void {
  for (const step of steps) {
    if (step.type === 'remove') {
      array.delete(step.index, step.howMany);
    } else if (step.type === 'insert') {
      array.insert(step.index, step.values.map(toYjs));
    } else {
      const copies = array.slice(step.from, step.from + step.howMany).map(cloneStored);
      array.delete(step.from, step.howMany);
      array.insert(step.to, copies);
    }
  }
}

/**
 * Turns the array at `path` into `value` with removes, moves and inserts
 * (`equality` picks how elements compare); creates the array when missing.
 * Returns the previous value.
 */
export function setArrayDiff(
  scope: WriteScope,
  path: string,
  value: unknown,
  equality: ArrayEquality,
  callback?: WriteCallback,
): unknown {
  const method = equality === 'deep' ? 'setArrayDiffDeep' : 'setArrayDiff';
  const { location, array } = arrayTarget(scope, method, path, true);
  const { target } = location;
  if (!Array.isArray(value)) throw modelError('type', method, path, `the value must be an array, got ${value === null ? 'null' : typeof value}`);
  assertJson(target, value);
  const previous = scope.store.read(target.segments);
  const steps = arrayDiff((previous ?? []) as readonly unknown[], value, equality);
  if (array !== null && steps.length === 0) {
    settle(scope, callback);
    return previous;
  }
  const entry = location.entry ?? scope.store.ensureEntry(target.collection, target.id);
  commit(scope, entry, () => applySteps(array ?? ensureArray(entry, location), steps), callback);
  return previous;
}
