/**
 * Counting the elements `Array.prototype.concat` produces while a function
 * runs: how the Yjs push tests see whether a run of pushes copies its
 * array again on every push (quadratic) or not (imports neither Yjs nor
 * yracer, so a test may count inside a bundle of its own).
 */

/** The elements `Array.prototype.concat` produces while `fn` runs. */
export function concatOutput(fn: () => void): number {
  const realConcat = Array.prototype.concat;
  let produced = 0;
  Array.prototype.concat = function concat(this: unknown[], ...args: unknown[]): unknown[] {
    const result = realConcat.apply(this, args as never) as unknown[];
    produced += result.length;
    return result;
  } as typeof realConcat;
  try {
    fn();
  } finally {
    Array.prototype.concat = realConcat;
  }
  return produced;
}
