/** Types of scripts/build-stamp.mjs (the build stamps of `npm start`). */

/** One input of a build: a file, or a folder walked recursively (skipping node_modules, dist and .git). */
export interface BuildInput {
  /** Relative to the root given to `hashInputs`. */
  readonly path: string;
  /** Which file names of a folder count (all by default). */
  readonly keep?: (name: string) => boolean;
}

/** The SHA-256 (hex) of the inputs' paths and contents, and of the `extra` strings. */
export function hashInputs(root: string, inputs: readonly BuildInput[], extra?: readonly string[]): string;

/** True when `stampFile` holds `hash` and every file of `outputs` exists: the build can be skipped. */
export function isCurrent(stampFile: string, hash: string, outputs: readonly string[]): boolean;

/** Stores `hash` in `stampFile` (after a build that succeeded). */
export function writeStamp(stampFile: string, hash: string): void;
