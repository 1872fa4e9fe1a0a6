/**
 * `longestIncreasing(values)`: the positions of one longest strictly
 * increasing subsequence, in O(n log n) (patience sorting). Both list diffs
 * use it to find the elements that can stay where they are: a query's ids
 * (`diffIds`) and an array's elements (`arrayDiff`).
 */

/**
 * Indexes (into `values`) of one longest strictly increasing subsequence, in
 * increasing order.
 *
 * @example
 * longestIncreasing([3, 1, 2, 5, 4]); // [1, 2, 4]: the values 1, 2, 4
 */
export function longestIncreasing(values: readonly number[]): number[] {
  const tails: number[] = [];
  const previous: number[] = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((values[tails[mid] as number] as number) < value) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1] as number;
    tails[low] = i;
  }
  const out: number[] = [];
  for (let i = tails.length > 0 ? (tails[tails.length - 1] as number) : -1; i >= 0; i = previous[i] as number) out.push(i);
  return out.reverse();
}
