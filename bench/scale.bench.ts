/**
 * Scale-out benchmarks: yracer's server on Postgres, several processes
 * sharing changes through Redis (`postgresStorage`, `redisFanout`,
 * `node:cluster` as `yracer serve --workers N` runs it).
 *
 * Every server runs in a child process (scale-server.child.ts); the clients
 * and the measuring run in one more child (scale.child.ts), so neither
 * shares an event loop with the benchmark's process. Each run uses fresh
 * Postgres schemas and a fresh Redis channel prefix, dropped (and checked)
 * afterwards.
 *
 * 1. Write → ack, one write at a time: one server on `postgresStorage` vs
 *    one on `sqliteStorage` (scale-latency.ts).
 * 2. A on process 1 → B on process 2 (Postgres + Redis) vs both on one
 *    process (Postgres), in the rounds of case 1 (scale-latency.ts).
 * 3. Capacity: 200 clients over 100 documents, stepped write rates, two
 *    cluster workers vs one process; where the CPU goes (scale-capacity.ts,
 *    scale-fleet.ts).
 * 4. Server CPU per delivered update, three cluster workers vs one process
 *    (scale-capacity.ts).
 * 5. A live query held on process 2 following writes on process 1 vs the
 *    same on one process (scale-live.ts).
 *
 * Needs Postgres and Redis: YRACER_BENCH_POSTGRES (default
 * postgres://postgres@127.0.0.1:5432/test) and YRACER_BENCH_REDIS (default
 * redis://127.0.0.1:6379). About 2-3 minutes.
 */
import { fileURLToPath } from 'node:url';
import { runScriptForResult } from './bench-child.ts';
import type { Row } from './harness.ts';
import { scaleRows } from './scale-rows.ts';
import type { ScaleResult } from './scale.child.ts';

const script = fileURLToPath(new URL('./scale.child.ts', import.meta.url));
/** Hard limit on the whole file's run. */
const TIMEOUT_MS = 300_000;

/** Runs scale.child.ts (every case) and returns the table rows. */
export async function run(): Promise<Row[]> {
  // SIGTERM on a timeout: its server children see their stdin close and shut down.
  const numbers: Readonly<Record<string, number>> = { Infinity, '-Infinity': -Infinity, NaN };
  const result = await runScriptForResult<ScaleResult>(script, [], {
    what: 'the scale benchmark',
    timeoutMs: TIMEOUT_MS,
    reviver: (_key, value) => (typeof value === 'string' && value in numbers ? numbers[value] : value),
  });
  process.stderr.write(`  scale: ${result.cleanup}; ${result.seconds.toFixed(0)} s\n`);
  return scaleRows(result);
}
