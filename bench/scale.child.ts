/**
 * scale.bench.ts's measurements, in a process of their own (so that what
 * earlier benchmarks left in the benchmark's heap does not slow the
 * clients down). Starts the server groups (scale-server.child.ts), runs the
 * cases and prints one JSON line, `ScaleResult`. Everything it starts is
 * closed, and the run's Postgres schemas and Redis keys are removed, also
 * when a case fails.
 *
 *   node --expose-gc --import tsx bench/scale.child.ts
 *
 * Phase A (cases 1, 2 and 5): servers `sqlite` (one process, sqliteStorage
 * in a temp dir), `postgres` (one process, postgresStorage, no fan-out) and
 * the pair `p1`/`p2` (two processes, one schema, Redis fan-out); the
 * Postgres ones hold the live-query todos. Phase B (cases 3 and 4):
 * `one` (one process, Postgres, no fan-out), `two` and `three` (clusters of
 * 2 and 3 workers on one port, one schema each, Redis fan-out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capacity, cpuPerDelivery, type Capacity } from './scale-capacity.ts';
import { Fleet } from './scale-fleet.ts';
import { pairLatency } from './scale-latency.ts';
import { LISTS, TODOS, liveAcross } from './scale-live.ts';
import { Backing, POSTGRES_URL, REDIS_URL, ServerGroup } from './scale-procs.ts';
import type { Alternation } from './sync-rounds.ts';

/** What an alternation's rows need: per contender and figure, the timed rounds' values. */
export type Values = Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;

/** What the child prints. */
export interface ScaleResult {
  readonly pair: Values;
  readonly live: Values;
  readonly cpu: Values;
  readonly capacity: Capacity;
  /** Per fleet, the share of documents whose writer and reader reached different processes. */
  readonly cross: Readonly<Record<string, number>>;
  readonly cleanup: string;
  readonly seconds: number;
}

function valuesOf(alternation: Alternation, figures: Readonly<Record<string, readonly string[]>>): Values {
  return Object.fromEntries(
    Object.entries(figures).map(([label, names]) => [label, Object.fromEntries(names.map((name) => [name, alternation.values(label, name)]))]),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const backing = new Backing();
  const dir = mkdtempSync(join(tmpdir(), 'yracer-scale-'));
  const groups: ServerGroup[] = [];
  const fleets: Fleet[] = [];
  const start = async (label: string, args: readonly string[]): Promise<ServerGroup> => {
    const group = await ServerGroup.start(label, args);
    groups.push(group);
    return group;
  };
  const postgres = (name: string, schema: string, more: readonly string[] = []): string[] => [
    `--storage=postgres:${POSTGRES_URL}`,
    `--schema=${schema}`,
    `--app=${backing.app(name)}`,
    ...more,
  ];
  const fanout = (group: string): string[] => [`--redis=${REDIS_URL}`, `--prefix=${backing.channels(group)}`];
  const todos = [`--todos=${TODOS}`, `--lists=${LISTS}`];
  let result: Omit<ScaleResult, 'cleanup' | 'seconds'> | undefined;
  const release = async (): Promise<string> => {
    for (const fleet of fleets.splice(0)) fleet.close();
    await Promise.all(groups.splice(0).map((group) => group.close()));
    rmSync(dir, { recursive: true, force: true });
    return backing.cleanup().catch((error: unknown) => `cleanup failed: ${String(error)}`);
  };
  // Stopped from outside (scale.bench.ts's timeout): close and clean up all the same.
  process.once('SIGTERM', () => {
    void release().finally(() => process.exit(1));
  });
  try {
    const pairSchema = backing.schema('pair');
    const [sqlite, one, p1, p2] = await Promise.all([
      start('sqlite', [`--storage=sqlite:${join(dir, 'scale.db')}`]),
      start('postgres', postgres('postgres', backing.schema('postgres'), todos)),
      start('p1', postgres('p1', pairSchema, [...todos, ...fanout('pair')])),
      start('p2', postgres('p2', pairSchema, fanout('pair'))),
    ]);
    const pair = await pairLatency({ sqlite, postgres: one, p1, p2 });
    const live = await liveAcross({ one, p1, p2 });
    await Promise.all(groups.splice(0).map((group) => group.close()));

    const [single, two, three] = await Promise.all([
      start('one', postgres('one', backing.schema('one'))),
      start('two', postgres('two', backing.schema('two'), [...fanout('two'), '--workers=2'])),
      start('three', postgres('three', backing.schema('three'), [...fanout('three'), '--workers=3'])),
    ]);
    const open = async (server: ServerGroup, tag: string, seed: number): Promise<Fleet> => {
      const fleet = await Fleet.open(server, tag, seed);
      fleets.push(fleet);
      return fleet;
    };
    const fleetOne = await open(single, 'a', 1);
    const fleetTwo = await open(two, 'b', 2);
    const fleetThree = await open(three, 'c', 3);
    const stepped = await capacity({ one: fleetOne, two: fleetTwo }, backing);
    const cpu = await cpuPerDelivery({ one: fleetOne, three: fleetThree }, backing);
    result = {
      pair: valuesOf(pair, Object.fromEntries(['sqlite', 'postgres', 'cross'].map((label) => [label, ['ackP50', 'ackP99', 'p50', 'p99']]))),
      live: valuesOf(live, Object.fromEntries(['one', 'cross'].map((label) => [label, ['p50', 'p99', 'insertP50', 'insertP99', 'otherP99', 'lost', 'rate']]))),
      cpu: valuesOf(cpu, Object.fromEntries(['one', 'three'].map((label) => [label, ['serverUs', 'postgresOursUs', 'postgresAllUs', 'redisUs', 'clientUs', 'p99', 'ackP99', 'lost']]))),
      capacity: stepped,
      cross: { one: fleetOne.crossShare, two: fleetTwo.crossShare, three: fleetThree.crossShare },
    };
  } finally {
    const cleanup = await release();
    process.stderr.write(`  scale: ${cleanup}\n`);
    if (result) {
      const seconds = (performance.now() - started) / 1000;
      // Infinity (writes never seen) and NaN (no samples) as strings: JSON has neither.
      const replacer = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);
      process.stdout.write(`${JSON.stringify({ ...result, cleanup, seconds } satisfies ScaleResult, replacer)}\n`);
    }
  }
}

await main();
