/**
 * Raw Yjs `yarray.push([i])`, one item per transaction, for n items.
 *
 * Run as a script, it measures 10,000 vs 20,000 pushes in a process that
 * never imports the model, so Yjs is unpatched (src/model/mutations/yjs-patches.ts
 * patches Yjs globally once the model is imported), and prints the
 * measurements as JSON on stdout. model.bench.ts runs it as a child process,
 * and also imports `rawYjsPush` to measure patched Yjs in its own process.
 */
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { compare, type Contender } from './harness.ts';

/**
 * Pushes 0..n-1 into a fresh Y.Array, one push (one transaction) at a time;
 * one repetition does that for `arrays` fresh arrays (each in its own
 * Y.Doc). Several arrays per repetition keep a repetition long enough that
 * the fixed cost that follows a forced gc() (V8 drops optimized code that
 * referred to collected objects, and recompiles it) does not hide how the
 * time grows with n.
 */
export function rawYjsPush(n: number, arrays = 1): Contender {
  return {
    ops: n * arrays,
    prepare: () => {
      const lists = Array.from({ length: arrays }, () => new Y.Doc().getMap('data').set('list', new Y.Array<number>()));
      return () => {
        for (const list of lists) for (let i = 0; i < n; i++) list.push([i]);
      };
    },
  };
}

/** Fresh arrays per repetition in the raw Yjs push benchmarks. */
export const RAW_PUSH_ARRAYS = 4;

/** True when the yracer patch is installed on this process's Yjs. */
export function yjsIsPatched(): boolean {
  const proto = Y.ContentAny.prototype as unknown as Record<PropertyKey, unknown>;
  return proto[Symbol.for('yracer.yjs-content-any-patch')] === true;
}

/** What the child prints. */
export interface ChildReport {
  readonly patched: boolean;
  readonly ms10k: number;
  readonly ms20k: number;
  readonly ratio: number;
  /** Smallest and largest 20k/10k ratio within one round. */
  readonly range: readonly [number, number];
}

function main(): void {
  const comparison = compare({
    name: 'push 20,000 vs 10,000, raw Yjs, child process',
    runs: { '10k': rawYjsPush(10_000, RAW_PUSH_ARRAYS), '20k': rawYjsPush(20_000, RAW_PUSH_ARRAYS) },
    baseline: '10k',
  });
  const report: ChildReport = {
    patched: yjsIsPatched(),
    ms10k: comparison.result('10k').medianMs,
    ms20k: comparison.result('20k').medianMs,
    ratio: comparison.ratio('20k', '10k', 'run'),
    range: comparison.ratioRange('20k', '10k', 'run'),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
