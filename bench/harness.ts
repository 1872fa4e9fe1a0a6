/**
 * A small benchmark harness. Benchmarks are not tests: on a shared machine
 * absolute times are noise, so every case measures its contenders side by
 * side in one process and the result is their ratio.
 *
 * `compare()` runs each contender once to warm up, then runs the contenders
 * alternately (A, B, C, A, B, C, ...) for `repetitions` rounds, calling
 * `gc()` (when node runs with `--expose-gc`) before every timed repetition.
 * It reports, per contender, the median time of one repetition and of one
 * operation; `ratio()` divides two medians.
 *
 * This file imports nothing from src/, so a child process can use it without
 * loading the model (and its Yjs patch).
 */

/** One contender of a case. */
export interface Contender {
  /** Operations one repetition performs (default 1); times are also reported per operation. */
  readonly ops?: number;
  /**
   * Untimed: prepares one repetition (a fresh model, say) and returns the
   * timed body, which performs `ops` operations. Called before the warm-up
   * and before every repetition.
   */
  readonly prepare: () => () => void;
}

/** What `compare()` is given. */
export interface CompareOptions {
  /** Name of the case, for progress output. */
  readonly name: string;
  /** The contenders, by label; they run in this order within a round. */
  readonly runs: Readonly<Record<string, Contender>>;
  /** Label of the contender ratios are taken against by default (default: the first). */
  readonly baseline?: string;
  /** Timed rounds (at least 5; default 7). */
  readonly repetitions?: number;
  /** Untimed rounds before the timed ones (default 1). */
  readonly warmup?: number;
}

/** The measurements of one contender. */
export interface ContenderResult {
  readonly label: string;
  readonly ops: number;
  /** Every timed repetition, in milliseconds, in the order they ran. */
  readonly samplesMs: readonly number[];
  /** Median time of one repetition, in milliseconds. */
  readonly medianMs: number;
  /** Median time of one operation, in nanoseconds. */
  readonly nsPerOp: number;
  /** Operations per second at the median. */
  readonly opsPerSec: number;
}

/** The measurements of one case. */
export interface Comparison {
  readonly name: string;
  readonly baseline: string;
  readonly repetitions: number;
  readonly results: Readonly<Record<string, ContenderResult>>;
  /** A contender's result (throws on an unknown label). */
  result(label: string): ContenderResult;
  /**
   * Time of `label` divided by time of `against` (default: the baseline),
   * per operation (default) or per repetition. Above 1: `label` is slower.
   */
  ratio(label: string, against?: string, per?: 'op' | 'run'): number;
  /**
   * The smallest and largest ratio of `label` to `against` within one round
   * (the two ran next to each other): how noisy `ratio()` is.
   */
  ratioRange(label: string, against?: string, per?: 'op' | 'run'): readonly [number, number];
}

/** Hard limits that keep a mistaken case from running forever. */
const MAX_REPETITIONS = 50;
const MAX_WARMUP = 10;

const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function timeOnce(contender: Contender): number {
  const body = contender.prepare();
  gc();
  const start = performance.now();
  body();
  return performance.now() - start;
}

/** Measures the contenders of one case side by side. */
export function compare(options: CompareOptions): Comparison {
  const labels = Object.keys(options.runs);
  if (labels.length === 0) throw new Error(`bench "${options.name}": no contenders`);
  const baseline = options.baseline ?? (labels[0] as string);
  if (!labels.includes(baseline)) throw new Error(`bench "${options.name}": unknown baseline "${baseline}"`);
  const repetitions = Math.min(Math.max(options.repetitions ?? 7, 5), MAX_REPETITIONS);
  const warmup = Math.min(Math.max(options.warmup ?? 1, 0), MAX_WARMUP);
  const contenders = labels.map((label) => [label, options.runs[label] as Contender] as const);
  const samples = new Map<string, number[]>(labels.map((label) => [label, []]));

  const started = performance.now();
  for (let round = 0; round < warmup; round++) for (const [, contender] of contenders) timeOnce(contender);
  for (let round = 0; round < repetitions; round++) {
    for (const [label, contender] of contenders) samples.get(label)?.push(timeOnce(contender));
  }
  gc();

  const results: Record<string, ContenderResult> = {};
  for (const [label, contender] of contenders) {
    const ops = contender.ops ?? 1;
    const samplesMs = samples.get(label) ?? [];
    const medianMs = median(samplesMs);
    results[label] = { label, ops, samplesMs, medianMs, nsPerOp: (medianMs * 1e6) / ops, opsPerSec: (ops * 1000) / medianMs };
  }
  const elapsed = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`  ${options.name}: ${repetitions} rounds in ${elapsed} s\n`);
  for (const { label, medianMs, samplesMs } of Object.values(results)) {
    const spread = `${Math.min(...samplesMs).toPrecision(3)}-${Math.max(...samplesMs).toPrecision(3)}`;
    process.stderr.write(`    ${label}: median ${medianMs.toPrecision(3)} ms per repetition (${spread})\n`);
  }

  const result = (label: string): ContenderResult => {
    const found = results[label];
    if (!found) throw new Error(`bench "${options.name}": unknown contender "${label}"`);
    return found;
  };
  return {
    name: options.name,
    baseline,
    repetitions,
    results,
    result,
    ratio(label, against = baseline, per = 'op') {
      const a = result(label);
      const b = result(against);
      return per === 'op' ? a.nsPerOp / b.nsPerOp : a.medianMs / b.medianMs;
    },
    ratioRange(label, against = baseline, per = 'op') {
      const a = result(label);
      const b = result(against);
      const scale = per === 'op' ? b.ops / a.ops : 1;
      const ratios = a.samplesMs.map((ms, i) => (ms / (b.samplesMs[i] as number)) * scale);
      return [Math.min(...ratios), Math.max(...ratios)];
    },
  };
}

/** One row of the results table. */
export interface Row {
  readonly benchmark: string;
  /** yracer's figure (or the measured one, for rows without yracer). */
  readonly yracer: string;
  readonly baseline: string;
  readonly ratio: string;
  /** The target, e.g. `≤ 2x`; `—` when the row is informational. */
  readonly target: string;
  /** Whether the target was met; null when there is none. */
  readonly met: boolean | null;
}

/** A bench file: `run()` measures its cases and returns table rows. */
export interface BenchModule {
  run(): Promise<readonly Row[]> | readonly Row[];
}

/** A time per operation, e.g. `1.23 µs/op`. */
export function formatPerOp(nsPerOp: number): string {
  if (nsPerOp >= 1e6) return `${(nsPerOp / 1e6).toPrecision(3)} ms/op`;
  if (nsPerOp >= 1e3) return `${(nsPerOp / 1e3).toPrecision(3)} µs/op`;
  return `${nsPerOp.toPrecision(3)} ns/op`;
}

/** A duration in milliseconds, e.g. `12.3 ms`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  return `${ms.toPrecision(3)} ms`;
}

/** A ratio, e.g. `0.62x`; with a range, e.g. `0.62x (0.55-0.70)`. */
export function formatRatio(ratio: number, range?: readonly [number, number]): string {
  const format = (r: number): string => (r >= 100 ? r.toFixed(0) : r.toPrecision(r < 0.01 ? 2 : 3));
  return range ? `${format(ratio)}x (${format(range[0])}–${format(range[1])})` : `${format(ratio)}x`;
}

/** The inverse of a ratio range (for throughput from time ratios). */
export function invertRange(range: readonly [number, number]): [number, number] {
  return [1 / range[1], 1 / range[0]];
}

/** A small seeded generator (mulberry32), so every contender sees the same "random" sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Renders rows as a markdown table. */
export function markdownTable(rows: readonly Row[]): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = ['| benchmark | yracer | baseline | ratio | target | met? |', '| --- | --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    const met = row.met === null ? '—' : row.met ? 'yes' : '**no**';
    lines.push(`| ${[row.benchmark, row.yracer, row.baseline, row.ratio, row.target, met].map(escape).join(' | ')} |`);
  }
  return lines.join('\n');
}
