/**
 * harness.ts's `compare()` for asynchronous cases: each contender's round
 * is an async function that prepares (untimed), measures and cleans up by
 * itself, and returns named figures (a p50 latency, a throughput, ...).
 * Contenders run alternately (A, B, C, A, B, C, ...): one untimed warm-up
 * round, then at least 5 timed rounds, gc() (with --expose-gc) before each.
 * Per figure, the result is the median over the timed rounds; a ratio of two
 * medians comes with the smallest and largest ratio within one round (the
 * two ran next to each other), a measure of noise.
 */
import { median } from './harness.ts';

/** The figures one round of a contender produced, by name. */
export type Figures = Readonly<Record<string, number>>;

/** One contender: runs one round (`round` counts from 0, the warm-up included) and returns its figures. */
export type RoundRunner = (round: number) => Promise<Figures>;

/** What `alternate()` is given. */
export interface AlternateOptions {
  readonly name: string;
  readonly runs: Readonly<Record<string, RoundRunner>>;
  /** Timed rounds (at least 5; default 7). */
  readonly rounds?: number;
  /** Untimed rounds first (default 1). */
  readonly warmup?: number;
  /** Hard limit on the whole case, in ms (default 60 s): a round that would start later throws. */
  readonly budgetMs?: number;
}

/** The figures of every timed round, per contender. */
export interface Alternation {
  readonly name: string;
  readonly rounds: number;
  /** One figure of one contender, per timed round. */
  values(label: string, figure: string): readonly number[];
  /** Median of a figure over the timed rounds. */
  median(label: string, figure: string): number;
  /** median(a) / median(b). */
  ratio(a: readonly [label: string, figure: string], b: readonly [label: string, figure: string]): number;
  /** Smallest and largest a / b within one round. */
  ratioRange(a: readonly [label: string, figure: string], b: readonly [label: string, figure: string]): readonly [number, number];
}

const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};

const MAX_ROUNDS = 30;

/** Runs the contenders alternately, round by round. */
export async function alternate(options: AlternateOptions): Promise<Alternation> {
  const labels = Object.keys(options.runs);
  if (labels.length === 0) throw new Error(`bench "${options.name}": no contenders`);
  const rounds = Math.min(Math.max(options.rounds ?? 7, 5), MAX_ROUNDS);
  const warmup = Math.min(Math.max(options.warmup ?? 1, 0), 3);
  const budgetMs = options.budgetMs ?? 60_000;
  const timed = new Map<string, Figures[]>(labels.map((label) => [label, []]));
  const started = performance.now();
  for (let round = 0; round < warmup + rounds; round++) {
    for (const label of labels) {
      if (performance.now() - started > budgetMs) {
        throw new Error(`bench "${options.name}": over its budget of ${budgetMs / 1000} s in round ${round}`);
      }
      gc();
      const figures = await (options.runs[label] as RoundRunner)(round);
      if (round >= warmup) timed.get(label)?.push(figures);
    }
  }
  gc();

  const values = (label: string, figure: string): number[] => {
    const list = timed.get(label);
    if (!list) throw new Error(`bench "${options.name}": unknown contender "${label}"`);
    return list.map((figures) => {
      const value = figures[figure];
      if (value === undefined) throw new Error(`bench "${options.name}": ${label} has no figure "${figure}"`);
      return value;
    });
  };
  const medianOf = (label: string, figure: string): number => median(values(label, figure));
  const elapsed = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`  ${options.name}: ${rounds} rounds in ${elapsed} s\n`);
  for (const label of labels) {
    const figures = Object.keys(timed.get(label)?.[0] ?? {});
    const shown = figures.map((figure) => {
      const list = values(label, figure);
      const p = (x: number): string => x.toPrecision(3);
      return `${figure} ${p(median(list))} (${p(Math.min(...list))}-${p(Math.max(...list))})`;
    });
    process.stderr.write(`    ${label}: ${shown.join(', ')}\n`);
  }
  return {
    name: options.name,
    rounds,
    values,
    median: medianOf,
    ratio: (a, b) => medianOf(...a) / medianOf(...b),
    ratioRange(a, b) {
      const as = values(...a);
      const bs = values(...b);
      const ratios = as.map((value, i) => value / (bs[i] as number));
      return [Math.min(...ratios), Math.max(...ratios)];
    },
  };
}

/** The q-quantile (0..1) of samples, by the nearest-rank method. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('quantile of nothing');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}
