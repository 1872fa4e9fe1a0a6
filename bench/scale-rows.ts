/**
 * The table rows of scale.bench.ts, from what scale.child.ts measured.
 * Per figure, the median over the timed rounds; after a ratio, in
 * parentheses, the smallest and largest ratio within one round.
 */
import { formatRatio, median, type Row } from './harness.ts';
import { CPU_RATE, P99_LIMIT_MS, RATES, STEP_MS, type Capacity } from './scale-capacity.ts';
import { CLIENTS, DOCS, type Step } from './scale-fleet.ts';
import { SAMPLES } from './scale-latency.ts';
import { DRAIN_MS, LISTS, RATE, READERS, TODOS, WRITES } from './scale-live.ts';
import type { ScaleResult, Values } from './scale.child.ts';

/** A duration; Infinity means some writes never arrived within the wait. */
function ms(value: number): string {
  if (Number.isNaN(value)) return '—';
  if (value === Infinity) return 'lost (> 1% not within the wait)';
  return value >= 1000 ? `${(value / 1000).toPrecision(3)} s` : `${value.toPrecision(3)} ms`;
}
const us = (value: number): string => `${value.toPrecision(3)} µs`;
const percent = (share: number): string => `${Math.round(share * 100)}%`;
const signed = (value: number): string => (Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toPrecision(2)} ms` : 'n/a');

/** Median of a figure, and the range of per-round ratios of two figures. */
function figures(values: Values) {
  const list = (label: string, figure: string): readonly number[] => values[label]?.[figure] ?? [NaN];
  const med = (label: string, figure: string): number => median(list(label, figure));
  const ratio = (a: readonly [string, string], b: readonly [string, string]): string => {
    const as = list(...a);
    const bs = list(...b);
    const ratios = as.map((value, i) => value / (bs[i] as number)).filter(Number.isFinite);
    const whole = med(...a) / med(...b);
    if (!Number.isFinite(whole)) return 'n/a';
    return ratios.length > 0 ? formatRatio(whole, [Math.min(...ratios), Math.max(...ratios)]) : formatRatio(whole);
  };
  return { med, ratio };
}

function latencyRows(result: ScaleResult): Row[] {
  const { med, ratio } = figures(result.pair);
  const rows: Row[] = [];
  const ackRatio = med('postgres', 'ackP50') / med('sqlite', 'ackP50');
  rows.push({
    benchmark: `write → ack p50, one write at a time (${SAMPLES} per round; \`modelA.set('lat.<id>.n', i, callback)\` until the callback: the server stored it): one server process without fan-out, \`postgresStorage\` (Postgres on 127.0.0.1) vs \`sqliteStorage\` (temp dir, synchronous = FULL) (time, postgres/sqlite)`,
    yracer: ms(med('postgres', 'ackP50')),
    baseline: ms(med('sqlite', 'ackP50')),
    ratio: ratio(['postgres', 'ackP50'], ['sqlite', 'ackP50']),
    target: '≤ 2x',
    met: ackRatio <= 2,
  });
  rows.push({
    benchmark: 'write → ack p99, as above (time, postgres/sqlite)',
    yracer: ms(med('postgres', 'ackP99')),
    baseline: ms(med('sqlite', 'ackP99')),
    ratio: ratio(['postgres', 'ackP99'], ['sqlite', 'ackP99']),
    target: '—',
    met: null,
  });
  for (const [figure, target] of [
    ['p50', 'p50 ≤ +2 ms'],
    ['p99', 'p99 ≤ 25 ms'],
  ] as const) {
    const cross = med('cross', figure);
    const one = med('postgres', figure);
    rows.push({
      benchmark: `A on process 1 → B on process 2 (two server processes, \`postgresStorage\` in one schema, \`redisFanout\`) vs A and B on one process (\`postgresStorage\`, no fan-out): write → B's \`change\` event, one write at a time (the next after B saw it and A got the ack), latency ${figure} (difference ${signed(cross - one)}; time, across/one)`,
      yracer: ms(cross),
      baseline: ms(one),
      ratio: `${signed(cross - one)}, ${ratio(['cross', figure], ['postgres', figure])}`,
      target,
      met: figure === 'p50' ? cross - one <= 2 : cross <= 25,
    });
  }
  rows.push({
    benchmark: `for reading the rows above: across processes, A's write → ack p50 (stored in Postgres) and B's p50 minus it (${signed(med('cross', 'p50') - med('cross', 'ackP50'))}): the other process hears of a write once it is stored (a room announces on Redis after its append commits), while on one process B gets it before it is stored`,
    yracer: ms(med('cross', 'ackP50')),
    baseline: `B: ${ms(med('cross', 'p50'))}`,
    ratio: '—',
    target: '—',
    met: null,
  });
  return rows;
}

/** A step's CPU in cores (CPU time per second of the step). */
function cores(step: Step): string {
  const c = (value: number): string => (value / 1000 / step.wallMs).toFixed(2);
  const perProcess = step.perProcessUs.length > 1 ? ` [${step.perProcessUs.map(c).join(' + ')}]` : '';
  return `node ${c(step.serverUs)}${perProcess}, Postgres backends ${c(step.postgresOursUs)} (all postgres ${c(step.postgresAllUs)}), redis ${c(step.redisUs)}, clients ${c(step.clientUs)}`;
}

function capacityRows(result: ScaleResult): Row[] {
  const { capacity: found, steps }: Capacity = result.capacity;
  const one = found['one'] ?? 0;
  const two = found['two'] ?? 0;
  const shown = (label: string): string =>
    (steps[label] ?? []).map((s) => `${s.rate}: ${ms(s.p99)} (same ${ms(s.sameP99)}, across ${ms(s.crossP99)}; ack ${ms(s.ackP99)})`).join('; ');
  const rows: Row[] = [
    {
      benchmark: `capacity: ${CLIENTS} clients over ${DOCS} documents (a writer and a reader each), writes stepped ${RATES.join(' → ')} writes/s, ${STEP_MS / 1000} s a step, the two groups alternating; capacity = highest step with write → reader p99 < ${P99_LIMIT_MS} ms (and ≥ 95% of the rate issued): two workers behind node:cluster on one port (\`postgresStorage\` + \`redisFanout\`; ${percent(result.cross['two'] ?? 0)} of the documents had writer and reader on different workers) vs one process (\`postgresStorage\`, no fan-out) (writes/s, two/one)`,
      yracer: `${two} writes/s`,
      baseline: `${one} writes/s`,
      ratio: one > 0 ? formatRatio(two / one) : 'n/a (one process failed the first step)',
      target: '≥ 1.4x',
      met: one > 0 && two / one >= 1.4,
    },
    {
      benchmark: 'capacity steps: write → reader p99 per step (writes/s: p99; same = documents whose writer and reader are on one process, across = on different ones; ack = write → acknowledgement p99, i.e. stored)',
      yracer: shown('two'),
      baseline: shown('one'),
      ratio: '—',
      target: '—',
      met: null,
    },
  ];
  // Where the CPU goes: at the highest step both groups ran.
  const both = (steps['two'] ?? []).filter((s) => (steps['one'] ?? []).some((o) => o.rate === s.rate)).pop();
  const oneStep = (steps['one'] ?? []).find((s) => s.rate === both?.rate);
  if (both && oneStep) {
    rows.push({
      benchmark: `where the CPU goes at ${both.rate} writes/s (the highest step both ran), in cores (CPU time / wall time of the step, drain included): node servers (their own \`process.cpuUsage()\`; per process: cluster primary + workers), this run's Postgres backends (/proc/<pid>/stat of the pids of its \`application_name\`s in pg_stat_activity), all postgres processes and redis-server (/proc, pids from pgrep; shared with other users of this machine), the clients' process`,
      yracer: cores(both),
      baseline: cores(oneStep),
      ratio: formatRatio(both.serverUs / both.wallMs / (oneStep.serverUs / oneStep.wallMs)),
      target: '—',
      met: null,
    });
  }
  return rows;
}

function cpuRows(result: ScaleResult): Row[] {
  const { med, ratio } = figures(result.cpu);
  const three = med('three', 'serverUs');
  const one = med('one', 'serverUs');
  return [
    {
      benchmark: `CPU per delivered update: the fleet of the capacity case writing ${CPU_RATE} writes/s (each write delivered to one reader), sum of the server processes' CPU time (every worker and the cluster primary, \`process.cpuUsage()\`) / deliveries: three workers behind node:cluster (\`postgresStorage\` + \`redisFanout\`; ${percent(result.cross['three'] ?? 0)} of the documents across workers) vs one process (no fan-out) (time, three/one)`,
      yracer: `${us(three)}/update`,
      baseline: `${us(one)}/update`,
      ratio: ratio(['three', 'serverUs'], ['one', 'serverUs']),
      target: '≤ 2x',
      met: three / one <= 2,
    },
    {
      benchmark: `also per delivered update at ${CPU_RATE} writes/s: this run's Postgres backends, redis-server (shared), the clients' process; write → reader p99 and ack p99 (three/one, Postgres backends)`,
      yracer: `Postgres ${us(med('three', 'postgresOursUs'))}, redis ${us(med('three', 'redisUs'))}, clients ${us(med('three', 'clientUs'))}; p99 ${ms(med('three', 'p99'))}, ack p99 ${ms(med('three', 'ackP99'))}`,
      baseline: `Postgres ${us(med('one', 'postgresOursUs'))}, redis ${us(med('one', 'redisUs'))}, clients ${us(med('one', 'clientUs'))}; p99 ${ms(med('one', 'p99'))}, ack p99 ${ms(med('one', 'ackP99'))}`,
      ratio: ratio(['three', 'postgresOursUs'], ['one', 'postgresOursUs']),
      target: '—',
      met: null,
    },
  ];
}

function liveRows(result: ScaleResult): Row[] {
  const { med, ratio } = figures(result.live);
  const cross = med('cross', 'p99');
  const detail = (label: string): string =>
    `insertions p50 ${ms(med(label, 'insertP50'))}, p99 ${ms(med(label, 'insertP99'))}; removals and changes p99 ${ms(med(label, 'otherP99'))}; all p50 ${ms(med(label, 'p50'))}; ${med(label, 'rate').toFixed(0)} writes/s issued`;
  return [
    {
      benchmark: `live query across processes: ${TODOS.toLocaleString('en-US')} todos in ${LISTS} lists, a writer subscribed to all on process 1, ${READERS} readers holding ${LISTS} live queries (\`{ listId, done: false, $sort: { createdAt: 1 } }\`) on process 2 (\`postgresStorage\` + \`redisFanout\`) vs all on one process (\`postgresStorage\`, no fan-out); ${RATE} writes/s (${WRITES} a round: \`done\` toggles, new \`title\` or \`createdAt\`), write → the reader's query \`change\` showing it, p99 (unseen ${DRAIN_MS / 1000} s after the round: lost) (time, across/one)`,
      yracer: ms(cross),
      baseline: ms(med('one', 'p99')),
      ratio: ratio(['cross', 'p99'], ['one', 'p99']),
      target: '< 50 ms',
      met: cross < 50,
    },
    {
      benchmark: 'live query, as above, by kind of change: insertions (the server runs the query again in Postgres), removals and changes (the reader applies the documents it holds)',
      yracer: detail('cross'),
      baseline: detail('one'),
      ratio: ratio(['cross', 'insertP99'], ['one', 'insertP99']),
      target: '—',
      met: null,
    },
  ];
}

/** Every row of scale.bench.ts, in the order of its cases. */
export function scaleRows(result: ScaleResult): Row[] {
  return [...latencyRows(result), ...capacityRows(result), ...cpuRows(result), ...liveRows(result)];
}
