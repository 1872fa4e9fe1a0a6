/**
 * Cases 3 and 4 of scale.bench.ts, on fleets (scale-fleet.ts: CLIENTS
 * clients over DOCS documents, a writer and a reader each).
 *
 * 3. Capacity: the write rate steps up through RATES (STEP_MS each); a
 *    server group passes a step when the write → reader p99 stays under
 *    P99_LIMIT_MS and the clients issued at least 95% of the rate. Its
 *    capacity is the highest step passed before the first it failed (it
 *    stops there). The groups take their steps alternately (one process's
 *    500/s, the cluster's 500/s, one process's 1,000/s, ...).
 * 4. CPU per delivered update: the fleets of two groups write CPU_RATE
 *    writes/s for CPU_MS, alternately round by round (sync-rounds.ts; the
 *    warm-up round is shorter); per round, the servers' CPU time (the sum of
 *    every node process of the group, cluster primary included) divided by
 *    the writes their readers received.
 */
import { sleep } from './bench-child.ts';
import type { Backing } from './scale-procs.ts';
import type { Fleet, Step } from './scale-fleet.ts';
import { alternate, type Alternation } from './sync-rounds.ts';

/** The write rates of the capacity steps, in writes/s. */
export const RATES = [250, 500, 1_000, 2_000, 4_000] as const;
export const STEP_MS = 2_000;
export const P99_LIMIT_MS = 50;
/** Case 4's load: a rate both groups sustain, and a long drain, so the CPU counted is that of delivering every write. */
export const CPU_RATE = 250;
export const CPU_MS = 2_000;
const CPU_DRAIN_MS = 5_000;
/** Hard limit on the capacity case, in ms. */
const CAPACITY_BUDGET_MS = 75_000;

/** The steps each group took, its capacity (0: not even the first step), and the CPU breakdown per step. */
export interface Capacity {
  readonly steps: Readonly<Record<string, readonly Step[]>>;
  readonly capacity: Readonly<Record<string, number>>;
}

/** Whether a step passed: its p99 under P99_LIMIT_MS and at least 95% of its rate issued (the peers bench's steps too). */
export const passed = (step: Pick<Step, 'rate' | 'achieved' | 'p99'>): boolean => step.p99 < P99_LIMIT_MS && step.achieved >= 0.95 * step.rate;

/** Describes a step on one line (progress output). */
export function describeStep(label: string, step: Step): string {
  const cores = (us: number): string => (us / 1000 / step.wallMs).toFixed(2);
  return (
    `${label} @ ${step.rate}/s: issued ${step.achieved.toFixed(0)}/s, p50 ${step.p50.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms ` +
    `(same process ${step.sameP99.toFixed(1)}, across ${step.crossP99.toFixed(1)}; ack p50 ${step.ackP50.toFixed(1)}, p99 ${step.ackP99.toFixed(1)}), ` +
    `${step.writes - step.delivered} lost; cores: servers ${cores(step.serverUs)} [${step.perProcessUs.map(cores).join(' ')}], ` +
    `postgres ${cores(step.postgresOursUs)} (all ${cores(step.postgresAllUs)}), redis ${cores(step.redisUs)}, clients ${cores(step.clientUs)}`
  );
}

/** How `stepUp` steps contenders up. */
export interface StepUpOptions<S extends Pick<Step, 'rate' | 'achieved' | 'p99'>> {
  /** The contenders, stepped alternately in this order. */
  readonly labels: readonly string[];
  /** The rates to try, lowest first. */
  readonly rates: readonly number[];
  /** Runs one contender's step at a rate. */
  readonly step: (label: string, rate: number) => Promise<S>;
  /** One line of progress output about a step. */
  readonly describe: (label: string, step: S) => string;
  /** Hard limit on the whole case, in ms (over it: an error naming `name`). */
  readonly budgetMs: number;
  readonly name: string;
  /** A pause after each step, in ms. */
  readonly pauseMs: number;
}

/**
 * Steps the contenders up alternately, rate by rate, until each fails a step
 * (`passed`) or the rates end; a contender's capacity is the highest rate it
 * passed (0: not even the first).
 */
export async function stepUp<S extends Pick<Step, 'rate' | 'achieved' | 'p99'>>(
  options: StepUpOptions<S>,
): Promise<{ steps: Record<string, S[]>; capacity: Record<string, number> }> {
  const started = performance.now();
  const steps: Record<string, S[]> = {};
  const capacityOf: Record<string, number> = {};
  const failed = new Set<string>();
  for (const label of options.labels) {
    steps[label] = [];
    capacityOf[label] = 0;
  }
  for (const rate of options.rates) {
    for (const label of options.labels) {
      if (failed.has(label)) continue;
      if (performance.now() - started > options.budgetMs) throw new Error(`${options.name}: over its budget of ${options.budgetMs / 1000} s`);
      const step = await options.step(label, rate);
      steps[label]?.push(step);
      process.stderr.write(`    ${options.describe(label, step)}\n`);
      if (passed(step)) capacityOf[label] = rate;
      else failed.add(label);
      if (options.pauseMs > 0) await sleep(options.pauseMs);
    }
    if (failed.size === options.labels.length) break;
  }
  process.stderr.write(`  capacity: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return { steps, capacity: capacityOf };
}

/** Steps the fleets up alternately until each fails a step (or RATES end). */
export function capacity(fleets: Readonly<Record<string, Fleet>>, backing: Backing): Promise<Capacity> {
  return stepUp({
    labels: Object.keys(fleets),
    rates: RATES,
    step: (label, rate) => (fleets[label] as Fleet).step(rate, STEP_MS, backing),
    describe: describeStep,
    budgetMs: CAPACITY_BUDGET_MS,
    name: 'capacity',
    pauseMs: 300,
  });
}

/** Case 4: server CPU per delivered update, the groups side by side. */
export function cpuPerDelivery(fleets: Readonly<Record<string, Fleet>>, backing: Backing): Promise<Alternation> {
  const round = (fleet: Fleet) => async (index: number) => {
    const step = await fleet.step(CPU_RATE, index === 0 ? CPU_MS / 2 : CPU_MS, backing, CPU_DRAIN_MS);
    const per = (us: number): number => us / step.delivered;
    return {
      serverUs: per(step.serverUs),
      postgresOursUs: per(step.postgresOursUs),
      postgresAllUs: per(step.postgresAllUs),
      redisUs: per(step.redisUs),
      clientUs: per(step.clientUs),
      p99: step.p99,
      ackP99: step.ackP99,
      lost: step.writes - step.delivered,
    };
  };
  return alternate({
    name: `CPU per delivered update at ${CPU_RATE} writes/s`,
    runs: Object.fromEntries(Object.entries(fleets).map(([label, fleet]) => [label, round(fleet)])),
    rounds: 5,
    budgetMs: 60_000,
  });
}
