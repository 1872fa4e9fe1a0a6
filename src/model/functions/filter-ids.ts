/**
 * Writing a filter's ids at its `refIds` paths. One item that came, went or
 * moved in a filter without `skip` and `limit` is one Yjs insert, delete or
 * move at the path, found without diffing; anything else (or a path whose
 * array is not what the filter last wrote) is written with `setArrayDiff`.
 */
import { arrayTarget, insertValues, moveValues, removeValues } from '../mutations/array-mutations.ts';
import type { IndexMove } from './filter-index.ts';
import { setArrayDiff } from '../mutations/set-array-diff.ts';
import type { WriteScope } from '../mutations/write-scope.ts';

/** One key's move in the whole result (no window). */
export interface SingleMove extends IndexMove {
  readonly key: string;
}

/** Makes the array at `path` hold `ids`; `single`, when known, is the only change since it held the previous ids. */
export function writeIds(scope: WriteScope, path: string, ids: readonly string[], single: SingleMove | null): void {
  if (single && applySingle(scope, path, ids, single)) return;
  setArrayDiff(scope, path, ids, 'identity');
}

function applySingle(scope: WriteScope, path: string, ids: readonly string[], { key, from, to }: SingleMove): boolean {
  const { array, length } = arrayTarget(scope, 'refIds', path, true);
  const before = ids.length - (from < 0 ? 1 : 0) + (to < 0 ? 1 : 0);
  // Someone else wrote the array: diff it instead.
  if (array === null || length !== before || (from >= 0 && array.get(from) !== key)) return false;
  if (from < 0) insertValues(scope, path, to, [key]);
  else if (to < 0) removeValues(scope, path, from, 1);
  else if (from !== to) moveValues(scope, path, from, to, 1);
  return true;
}
