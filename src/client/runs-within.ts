/**
 * Splitting a list of updates, in order, into consecutive runs whose sizes
 * add up to at most a limit (an item larger than the limit stands alone):
 * how pending or waiting writes are merged into frames a server takes.
 */

/** Consecutive runs of `items` whose `bytes` add up to at most `maxBytes` (a larger item alone). */
export function runsWithin<T>(items: readonly T[], bytes: (item: T) => number, maxBytes: number): T[][] {
  const runs: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const length = bytes(item);
    if (current.length > 0 && size + length > maxBytes) {
      runs.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += length;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}
