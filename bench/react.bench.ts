/**
 * React benchmark: a remote change to one row of a 1,000-row list, from the
 * Yjs update arriving until React committed it, in jsdom; yracer's hooks
 * (`useDoc` per memo row) against the approach of react-yjs
 * (`useSyncExternalStore` over `toJSON()` with a deep-equal), and how many
 * rows render per change. The measuring is in react.child.ts (its comment
 * says what each contender does and how the time is taken); it runs in a
 * child process with NODE_ENV=production, so React is its production build
 * (the development build is several times slower and calls `getSnapshot`
 * more often) and the jsdom globals stay out of the other benchmarks. In that
 * process yracer does not freeze snapshots (production default).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { formatMs, formatRatio, median, type Row } from './harness.ts';
import type { Figure, ReactReport, Variant } from './react.child.ts';

const childScript = fileURLToPath(new URL('./react.child.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

async function measure(): Promise<ReactReport> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', childScript], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 600_000,
    maxBuffer: 1 << 20,
  });
  process.stderr.write(stderr);
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as ReactReport;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** Runs the React benchmark and returns its table rows. */
export async function run(): Promise<Row[]> {
  const report = await measure();
  if (report.nodeEnv !== 'production') throw new Error('the React benchmark child did not run with NODE_ENV=production');
  const values = (variant: Variant, figure: Figure): readonly number[] => report.figures[variant][figure];
  const med = (variant: Variant, figure: Figure): number => median(values(variant, figure));
  /** baseline / contender (a speed-up), the median over rounds, with the smallest and largest within one round. */
  const speedup = (baseline: Variant, contender: Variant, figure: Figure): [number, readonly [number, number]] => {
    const b = values(baseline, figure);
    const c = values(contender, figure);
    const ratios = b.map((value, i) => value / (c[i] as number));
    return [med(baseline, figure) / med(contender, figure), [Math.min(...ratios), Math.max(...ratios)]];
  };
  const time = (variant: Variant, figure: 'p50' | 'p95'): string => formatMs(med(variant, figure));

  const setting = `React ${report.react} production build in jsdom, child process with NODE_ENV=production; ${count(report.rows)} todos, ${report.updates} changes per round, ${report.rounds} rounds`;
  const list = 'vs the react-yjs approach: `useY(todos)` (`useSyncExternalStore` over `toJSON()` + deep-equal) in the list component, each memo row given its todo';
  const [p50, p50Range] = speedup('baseline: list', 'yracer', 'p50');
  const [p95, p95Range] = speedup('baseline: list', 'yracer', 'p95');
  const [perRowUpdate, perRowUpdateRange] = speedup("baseline: rows, doc 'update'", 'yracer', 'p50');
  const [perRowUseY, perRowUseYRange] = speedup('baseline: rows, useY(row map)', 'yracer', 'p50');
  const [query, queryRange] = speedup('baseline: list', 'yracer, ids from useQueryIds', 'p50');

  const yracerRows = med('yracer', 'rows');
  const yracerMaxRows = Math.max(...values('yracer', 'maxRows'));
  const baselineRows = med('baseline: list', 'rows');
  return [
    {
      benchmark: `React: remote change to commit, 1,000-row list, p50 (${setting}): B's Yjs update applied to A's document until React committed the row; yracer \`useDoc('todos', id)\` in memo rows (ids from a stable array) ${list} (time, baseline/yracer)`,
      yracer: time('yracer', 'p50'),
      baseline: time('baseline: list', 'p50'),
      ratio: formatRatio(p50, p50Range),
      target: '≥ 5x',
      met: p50 >= 5,
    },
    {
      benchmark: 'React: remote change to commit, 1,000-row list, p95 (same rounds) (time, baseline/yracer)',
      yracer: time('yracer', 'p95'),
      baseline: time('baseline: list', 'p95'),
      ratio: formatRatio(p95, p95Range),
      target: '—',
      met: null,
    },
    {
      benchmark: `React: rows rendered per remote change, 1,000-row list (median over the changes; most for one change: yracer ${count(yracerMaxRows)}, baseline ${count(Math.max(...values('baseline: list', 'maxRows')))}; list renders per change: yracer ${count(med('yracer', 'lists'))}, baseline ${count(med('baseline: list', 'lists'))})`,
      yracer: `${count(yracerRows)} row`,
      baseline: `${count(baselineRows)} rows`,
      ratio: `${count(yracerRows)} vs ${count(baselineRows)}`,
      target: '1 row (baseline 1,000)',
      met: yracerRows === 1 && yracerMaxRows === 1,
    },
    {
      benchmark: `React: remote change to commit, p50, yracer vs a react-yjs-style binding in every memo row: each row subscribes to the Y.Doc's 'update' and recomputes \`toJSON()\` of its own map + deep-equal (${count(report.rows)} snapshot reads, ${count(med("baseline: rows, doc 'update'", 'rows'))} row render per change) (time, baseline/yracer)`,
      yracer: time('yracer', 'p50'),
      baseline: time("baseline: rows, doc 'update'", 'p50'),
      ratio: formatRatio(perRowUpdate, perRowUpdateRange),
      target: '—',
      met: null,
    },
    {
      benchmark: `React: remote change to commit, p50, yracer vs \`useY(todos.get(id))\` in every memo row (observeDeep on the row's own map: 1 snapshot read, ${count(med('baseline: rows, useY(row map)', 'rows'))} row render per change; react-yjs's best case) (time, baseline/yracer)`,
      yracer: time('yracer', 'p50'),
      baseline: time('baseline: rows, useY(row map)', 'p50'),
      ratio: formatRatio(perRowUseY, perRowUseYRange),
      target: '—',
      met: null,
    },
    {
      benchmark: `React: remote change to commit, p50, yracer with the list's ids from \`useQueryIds('todos')\` (it re-reads the collection's query on every change; ${count(med('yracer, ids from useQueryIds', 'lists'))} list renders, ${count(med('yracer, ids from useQueryIds', 'rows'))} row render per change) vs the \`useY(todos)\` list (time, baseline/yracer)`,
      yracer: time('yracer, ids from useQueryIds', 'p50'),
      baseline: time('baseline: list', 'p50'),
      ratio: formatRatio(query, queryRange),
      target: '—',
      met: null,
    },
  ];
}
