/**
 * `partitionPoint(length, before)`: binary search over a sorted sequence.
 * Sorted lists of ids (a query's matches, a filter's result), of sequence
 * numbers and of change-log rows all find their insertion point with it.
 */

/**
 * The first index in `[0, length)` for which `before(index)` is false, given
 * that `before` is true for a prefix of the indexes and false after it
 * (`length` when it is true for all), in O(log length) calls.
 *
 * @example
 * const sorted = [1, 3, 3, 7];
 * partitionPoint(sorted.length, (i) => sorted[i]! < 3); // 1: where 3 goes first
 */
export function partitionPoint(length: number, before: (index: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(mid)) low = mid + 1;
    else high = mid;
  }
  return low;
}
