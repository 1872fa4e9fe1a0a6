/**
 * Reactive functions and filters: a live filter's update after one document
 * of a 10,000-document collection changes (re-testing and moving that one
 * document) against filtering and sorting the collection again; and a
 * started function's re-run after one input change against the same write
 * and computation done by hand. yracer is imported as the built package.
 */
import { createModel, type Model } from 'yracer';
import { compare, formatPerOp, formatRatio, seededRandom, type Contender, type Row } from './harness.ts';

const DOCS = 10_000;
const INCREMENTAL_OPS = 2_000;
const REFILTER_OPS = 20;

interface Item {
  readonly id: string;
  readonly n: number;
  readonly on: boolean;
}

const ids = Array.from({ length: DOCS }, (_, i) => `d${i}`);
const random = seededRandom(7);
const picks = Array.from({ length: INCREMENTAL_OPS }, () => Math.floor(random() * DOCS));
const test = (item: Item): boolean => item.on;
const byN = (a: Item, b: Item): number => a.n - b.n;

function loadModel(): Model {
  const model = createModel();
  for (let i = 0; i < DOCS; i++) model.add('items', { id: ids[i] as string, n: i, on: i % 2 === 0 });
  model.get('items');
  return model;
}

let counter = DOCS;

function filterRows(): Row[] {
  const live = loadModel();
  const filter = live.filter('items', test).sort(byN);
  filter.on('change', () => undefined);
  const fresh = loadModel();
  let sink: unknown;
  const timed = (model: Model, ops: number, read: () => unknown): Contender => ({
    ops,
    prepare: () => () => {
      for (let i = 0; i < ops; i++) {
        const doc = picks[i] as number;
        model.set(`items.${ids[doc]}.n`, (counter++ * 7919) % DOCS);
        sink = read();
      }
    },
  });
  const c = compare({
    name: 'filter update after one change, 10,000 docs',
    runs: {
      incremental: timed(live, INCREMENTAL_OPS, () => filter.get()),
      'filter again': timed(fresh, REFILTER_OPS, () => fresh.filter('items', test).sort(byN).get()),
    },
    baseline: 'incremental',
  });
  if (sink === undefined) throw new Error('filter bench read nothing');
  live.close();
  fresh.close();
  const speedup = c.ratio('filter again', 'incremental');
  return [
    {
      benchmark: "live filter + sort after one change, 10,000 docs (5,000 match): `set` one doc's sort field + `filter.get()` on a listened filter vs filtering and sorting again (`model.filter(...).sort(...).get()`), speed-up",
      yracer: formatPerOp(c.result('incremental').nsPerOp),
      baseline: formatPerOp(c.result('filter again').nsPerOp),
      ratio: formatRatio(speedup, c.ratioRange('filter again', 'incremental')),
      target: '≥ 20x',
      met: speedup >= 20,
    },
  ];
}

const START_OPS = 20_000;

function startRows(): Row[] {
  const sum = (a: number, b: number): number => a + b;
  const started = createModel();
  started.set('_page.x', { a: 1, b: 2 });
  started.start('_page.total', '_page.x.a', '_page.x.b', sum);
  const manual = createModel();
  manual.set('_page.x', { a: 1, b: 2 });
  const c = compare({
    name: 'started function re-run',
    runs: {
      started: {
        ops: START_OPS,
        prepare: () => () => {
          for (let i = 0; i < START_OPS; i++) started.set('_page.x.a', counter++);
        },
      },
      'by hand': {
        ops: START_OPS,
        prepare: () => () => {
          for (let i = 0; i < START_OPS; i++) {
            manual.set('_page.x.a', counter++);
            manual.setDiffDeep('_page.total', sum(manual.get<number>('_page.x.a') ?? 0, manual.get<number>('_page.x.b') ?? 0));
          }
        },
      },
    },
    baseline: 'by hand',
  });
  if (started.get('_page.total') !== (started.get<number>('_page.x.a') ?? 0) + 2) throw new Error('the started function did not follow');
  started.close();
  manual.close();
  const ratio = c.ratio('started', 'by hand');
  return [
    {
      benchmark: '`start` re-run after one input change: `set` an input of a started `(a, b) => a + b` vs the same `set` + `evaluate` + `setDiffDeep` of the output by hand (time, started/by hand)',
      yracer: formatPerOp(c.result('started').nsPerOp),
      baseline: formatPerOp(c.result('by hand').nsPerOp),
      ratio: formatRatio(ratio, c.ratioRange('started', 'by hand')),
      target: '≤ 1.5x',
      met: ratio <= 1.5,
    },
  ];
}

/** Runs the reactive benchmarks. */
export function run(): Row[] {
  return [...filterRows(), ...startRows()];
}
