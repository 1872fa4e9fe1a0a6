/**
 * `npm run bench`: runs every bench file and prints one markdown table.
 *
 * To add a bench file, write `bench/<name>.bench.ts` exporting
 * `run(): Row[] | Promise<Row[]>` (see harness.ts) and add it to BENCHES.
 * Files run one after another, never concurrently, so they do not compete
 * for the CPU.
 */
import os from 'node:os';
import { markdownTable, type BenchModule, type Row } from './harness.ts';

/** Every bench file, in the order its rows appear. */
const BENCHES: ReadonlyArray<readonly [name: string, load: () => Promise<BenchModule>]> = [
  ['model', () => import('./model.bench.ts')],
  ['reactive', () => import('./reactive.bench.ts')],
  ['refs', () => import('./refs.bench.ts')],
  ['sync', () => import('./sync.bench.ts')],
  ['peers', () => import('./peers.bench.ts')],
  ['react', () => import('./react.bench.ts')],
  ['query', () => import('./query.bench.ts')],
  ['offline', () => import('./offline.bench.ts')],
  ['access', () => import('./access.bench.ts')],
  ['scale', () => import('./scale.bench.ts')],
  ['history', () => import('./history.bench.ts')],
];

function machine(): string {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((cpu) => cpu.model.trim()))].join(', ') || 'unknown CPU';
  const freeze = process.env['NODE_ENV'] === 'production' ? 'off (NODE_ENV=production)' : 'on (NODE_ENV is not production)';
  return [
    `Machine: ${models} × ${cpus.length}, ${os.type()} ${os.release()} ${os.arch()}; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
    `Snapshot freezing: ${freeze}. gc between repetitions: ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'yes' : 'no (run with --expose-gc)'}.`,
    'Each case runs its contenders alternately (A, B, A, B, ...; one warm-up round, then 7 timed rounds) and compares their medians; after a ratio, in parentheses, the smallest and largest ratio within one round, a measure of noise. The ratios are the result: they are measured side by side in one run; absolute times on a shared machine are noise.',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  for (const [name, load] of BENCHES) {
    process.stderr.write(`bench ${name}\n`);
    const module = await load();
    rows.push(...(await module.run()));
  }
  process.stdout.write(`${machine()}\n\n${markdownTable(rows)}\n`);
  process.stderr.write(`done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

await main();
