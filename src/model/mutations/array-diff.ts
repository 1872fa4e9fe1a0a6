/**
 * `arrayDiff`: the steps (remove, move, insert, as in Racer's `arraydiff`)
 * that turn one array into another while keeping as many elements in place as
 * it can, so a Yjs array edited with them keeps most of its items.
 *
 * How: each element of the new array is matched with an unused equal element
 * of the old one (first come, first served, so duplicates pair up in order).
 * Old elements left unmatched are removed. Among the matched ones, the
 * longest run that is already in the new order (a longest increasing
 * subsequence) stays where it is; the others are moved, in blocks when
 * neighbours move together. Elements without a match are inserted, in blocks.
 * Matching and the subsequence cost O(n log n); each move then costs O(n).
 */
import { longestIncreasing } from '../../query/longest-increasing.ts';

/** How elements are compared: `identity` is `===`; `deep` is JSON deep equality (key order does not matter). */
export type ArrayEquality = 'identity' | 'deep';

/** One step; indices are valid when the steps are applied in order. */
export type ArrayStep =
  | { readonly type: 'remove'; readonly index: number; readonly howMany: number }
  | { readonly type: 'move'; readonly from: number; readonly to: number; readonly howMany: number }
  | { readonly type: 'insert'; readonly index: number; readonly values: readonly unknown[] };

/** A string equal for two JSON values exactly when they are deep-equal (keys sorted, undefined keys skipped). */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(',')}}`;
}

/** For each new index, the old index it keeps (or -1 for a new element). */
function matchElements(before: readonly unknown[], after: readonly unknown[], equality: ArrayEquality): number[] {
  const keyOf = equality === 'deep' ? canonical : (value: unknown): unknown => value;
  const unused = new Map<unknown, number[]>();
  for (let i = before.length - 1; i >= 0; i--) {
    const key = keyOf(before[i]);
    const list = unused.get(key);
    if (list) list.push(i);
    else unused.set(key, [i]);
  }
  return after.map((value) => unused.get(keyOf(value))?.pop() ?? -1);
}

/** Removes of the old elements nobody matched, last first, in contiguous runs. */
function removeSteps(beforeLength: number, used: readonly boolean[], steps: ArrayStep[]): void {
  let end = beforeLength;
  while (end > 0) {
    if (used[end - 1]) {
      end--;
      continue;
    }
    let start = end - 1;
    while (start > 0 && !used[start - 1]) start--;
    steps.push({ type: 'remove', index: start, howMany: end - start });
    end = start;
  }
}

/**
 * Moves that sort `order` (the new indices of the matched elements, in their
 * old order) into increasing order, leaving a longest increasing run in place.
 */
function moveSteps(order: number[], steps: ArrayStep[]): void {
  const kept = new Set(longestIncreasing(order));
  const settled = new Set<number>(order.filter((_, i) => kept.has(i)));
  const pending = order.filter((_, i) => !kept.has(i)).sort((a, b) => a - b);
  for (let p = 0; p < pending.length; ) {
    const first = pending[p] as number;
    const from = order.indexOf(first);
    // A block: neighbours in the array that are also the next new indices and also pending.
    let howMany = 1;
    while (p + howMany < pending.length && pending[p + howMany] === first + howMany && order[from + howMany] === first + howMany) {
      howMany++;
    }
    const block = order.splice(from, howMany);
    // Right after the last settled element that comes before it in the new order.
    let to = 0;
    for (let i = order.length - 1; i >= 0; i--) {
      const value = order[i] as number;
      if (settled.has(value) && value < first) {
        to = i + 1;
        break;
      }
    }
    order.splice(to, 0, ...block);
    for (const value of block) settled.add(value);
    if (to !== from) steps.push({ type: 'move', from, to, howMany });
    p += howMany;
  }
}

/** Inserts of the new elements without a match, first first, in contiguous runs. */
function insertSteps(after: readonly unknown[], source: readonly number[], steps: ArrayStep[]): void {
  for (let start = 0; start < after.length; ) {
    if (source[start] !== -1) {
      start++;
      continue;
    }
    let end = start + 1;
    while (end < after.length && source[end] === -1) end++;
    steps.push({ type: 'insert', index: start, values: after.slice(start, end) });
    start = end;
  }
}

/**
 * The steps that turn `before` into `after`: removes first (last first), then
 * moves, then inserts (first first). Applying them in order to a copy of
 * `before` gives an array equal to `after` (by the chosen equality).
 *
 * @example
 * arrayDiff(['a', 'b', 'c'], ['c', 'a', 'x'], 'identity');
 * // [{ type: 'remove', index: 1, howMany: 1 },
 * //  { type: 'move', from: 0, to: 1, howMany: 1 },
 * //  { type: 'insert', index: 2, values: ['x'] }]
 */
export function arrayDiff(before: readonly unknown[], after: readonly unknown[], equality: ArrayEquality): ArrayStep[] {
  const source = matchElements(before, after, equality);
  const newIndexOf = new Array<number>(before.length).fill(-1);
  source.forEach((old, index) => {
    if (old !== -1) newIndexOf[old] = index;
  });
  const steps: ArrayStep[] = [];
  removeSteps(before.length, newIndexOf.map((index) => index !== -1), steps);
  moveSteps(newIndexOf.filter((index) => index !== -1), steps);
  insertSteps(after, source, steps);
  return steps;
}
