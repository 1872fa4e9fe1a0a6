/**
 * Model-core benchmarks: a small write, a snapshot read after a change in a
 * large collection, and pushing many items one at a time (which should grow
 * linearly; raw Yjs does only with the patch in src/model/mutations/yjs-patches.ts).
 * yracer is imported as the built package (`yracer`, i.e. dist/), as users run it;
 * `npm run bench` builds first.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as Y from 'yjs';
import { createModel, type Model } from 'yracer';
import {
  compare,
  formatMs,
  formatPerOp,
  formatRatio,
  invertRange,
  seededRandom,
  type Contender,
  type Row,
} from './harness.ts';
import { RAW_PUSH_ARRAYS, rawYjsPush, yjsIsPatched, type ChildReport } from './yjs-push.child.ts';

const noop = (): void => {};

// ---------------------------------------------------------------------------
// 1. set, one small value

const SET_OPS = 20_000;

function modelWithTodo(docUpdateListener: boolean): Model {
  const model = createModel();
  model.on('change', 'todos.*.title', noop);
  model.on('all', noop);
  model.add('todos', { id: 'a', title: 'start', done: false });
  if (docUpdateListener) model.yDoc('todos.a').on('update', noop);
  return model;
}

function yracerSet(docUpdateListener: boolean): Contender {
  return {
    ops: SET_OPS,
    prepare: () => {
      const model = modelWithTodo(docUpdateListener);
      return () => {
        for (let i = 0; i < SET_OPS; i++) model.set('todos.a.title', 'x' + i);
      };
    },
  };
}

const rawSet: Contender = {
  ops: SET_OPS,
  prepare: () => {
    const doc = new Y.Doc();
    doc.on('update', noop);
    const map = doc.getMap('data');
    map.set('id', 'a');
    map.set('title', 'start');
    map.set('done', false);
    return () => {
      for (let i = 0; i < SET_OPS; i++) map.set('title', 'x' + i);
    };
  },
};

function setRows(): Row[] {
  const c = compare({
    name: 'set, one small value',
    runs: { raw: rawSet, yracer: yracerSet(false), 'yracer+update': yracerSet(true) },
    baseline: 'raw',
  });
  const raw = formatPerOp(c.result('raw').nsPerOp);
  const throughput = (label: string): number => 1 / c.ratio(label, 'raw');
  const plain = throughput('yracer');
  const synced = throughput('yracer+update');
  return [
    {
      benchmark: "set, one small value: `model.set('todos.a.title', …)` with 2 model listeners vs raw `ymap.set` with a doc 'update' listener (throughput, yracer/raw)",
      yracer: formatPerOp(c.result('yracer').nsPerOp),
      baseline: raw,
      ratio: formatRatio(plain, invertRange(c.ratioRange('yracer', 'raw'))),
      target: '≥ 0.5x',
      met: plain >= 0.5,
    },
    {
      benchmark: "set, one small value, the model's Y.Doc also has an 'update' listener (as when synced) (throughput, yracer/raw)",
      yracer: formatPerOp(c.result('yracer+update').nsPerOp),
      baseline: raw,
      ratio: formatRatio(synced, invertRange(c.ratioRange('yracer+update', 'raw'))),
      target: '—',
      met: null,
    },
  ];
}

// ---------------------------------------------------------------------------
// 2. snapshot after a change, 10,000 docs

const DOCS = 10_000;
const SNAPSHOT_OPS = 10_000;
/** Building a 10,000-document snapshot per operation is slow: fewer operations. */
const COLLECTION_OPS = 40;
const REBUILD_OPS = 10;

type Todo = {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
  readonly tags: readonly string[];
  readonly n: number;
};

const ids = Array.from({ length: DOCS }, (_, i) => `d${i}`);
const todo = (i: number): Todo => ({ id: ids[i] as string, title: `Todo ${i}`, done: i % 2 === 0, tags: ['a', 'b'], n: i });

/** The same sequence of random documents for every contender. */
const random = seededRandom(42);
const picks = Array.from({ length: SNAPSHOT_OPS }, () => Math.floor(random() * DOCS));

function loadModel(): Model {
  const model = createModel();
  for (let i = 0; i < DOCS; i++) model.add('todos', todo(i));
  for (let i = 0; i < DOCS; i++) model.get(`todos.${ids[i]}`); // every document read once: snapshots cached
  model.get('todos');
  return model;
}

function loadRaw(): Y.Map<unknown>[] {
  const maps: Y.Map<unknown>[] = [];
  for (let i = 0; i < DOCS; i++) {
    const value = todo(i);
    const doc = new Y.Doc({ guid: `todos/${value.id}` });
    const map = doc.getMap('data');
    doc.transact(() => {
      map.set('id', value.id);
      map.set('title', value.title);
      map.set('done', value.done);
      map.set('tags', Y.Array.from([...value.tags]));
      map.set('n', value.n);
    });
    maps.push(map);
  }
  return maps;
}

/** A fresh value for every change, so no write is a no-op. */
let counter = DOCS;

function snapshotRows(): Row[] {
  const model = loadModel();
  const maps = loadRaw();
  const timed = (ops: number, body: (doc: number, value: number) => void): Contender => ({
    ops,
    prepare: () => () => {
      for (let i = 0; i < ops; i++) body(picks[i] as number, counter++);
    },
  });
  let sink: unknown;
  const c = compare({
    name: 'snapshot after a change, 10,000 docs',
    runs: {
      'yracer doc': timed(SNAPSHOT_OPS, (doc, value) => {
        model.set(`todos.${ids[doc]}.n`, value);
        sink = model.get(`todos.${ids[doc]}`);
      }),
      'raw A: one doc toJSON': timed(SNAPSHOT_OPS, (doc, value) => {
        const map = maps[doc] as Y.Map<unknown>;
        map.set('n', value);
        sink = map.toJSON();
      }),
      'yracer collection': timed(COLLECTION_OPS, (doc, value) => {
        model.set(`todos.${ids[doc]}.n`, value);
        sink = model.get('todos');
      }),
      'raw B: all docs toJSON': timed(REBUILD_OPS, (doc, value) => {
        (maps[doc] as Y.Map<unknown>).set('n', value);
        const all: Record<string, unknown> = {};
        for (let i = 0; i < DOCS; i++) all[ids[i] as string] = (maps[i] as Y.Map<unknown>).toJSON();
        sink = all;
      }),
    },
    baseline: 'raw A: one doc toJSON',
  });
  if (sink === undefined) throw new Error('snapshot bench read nothing');
  model.close();

  const doc = c.ratio('yracer doc', 'raw A: one doc toJSON');
  const docVsB = c.ratio('yracer doc', 'raw B: all docs toJSON');
  const collection = c.ratio('yracer collection', 'raw B: all docs toJSON');
  const rawA = formatPerOp(c.result('raw A: one doc toJSON').nsPerOp);
  const rawB = formatPerOp(c.result('raw B: all docs toJSON').nsPerOp);
  return [
    {
      benchmark: "snapshot after a change, 10,000 docs: `set` one field of a random doc + `model.get('todos.<id>')` vs A: raw Yjs change + that doc's `toJSON()` (time, yracer/A)",
      yracer: formatPerOp(c.result('yracer doc').nsPerOp),
      baseline: rawA,
      ratio: formatRatio(doc, c.ratioRange('yracer doc', 'raw A: one doc toJSON')),
      target: '≤ 2x',
      met: doc <= 2,
    },
    {
      benchmark: 'snapshot after a change, 10,000 docs: the same vs B: raw Yjs change + `toJSON()` of all 10,000 docs into one object (time, yracer/B)',
      yracer: formatPerOp(c.result('yracer doc').nsPerOp),
      baseline: rawB,
      ratio: formatRatio(docVsB, c.ratioRange('yracer doc', 'raw B: all docs toJSON')),
      target: '—',
      met: null,
    },
    {
      benchmark: "whole-collection snapshot after a change, 10,000 docs: `set` + `model.get('todos')` vs B (time, yracer/B)",
      yracer: formatPerOp(c.result('yracer collection').nsPerOp),
      baseline: rawB,
      ratio: formatRatio(collection, c.ratioRange('yracer collection', 'raw B: all docs toJSON')),
      target: '—',
      met: null,
    },
  ];
}

// ---------------------------------------------------------------------------
// 3. push 20,000 vs 10,000

/** Pushes n items into each of RAW_PUSH_ARRAYS fresh models per repetition, like the raw contender. */
function yracerPush(n: number): Contender {
  return {
    ops: n * RAW_PUSH_ARRAYS,
    prepare: () => {
      const models = Array.from({ length: RAW_PUSH_ARRAYS }, () => {
        const model = createModel();
        model.add('todos', { id: 'a', list: [] });
        return model;
      });
      return () => {
        for (const model of models) for (let i = 0; i < n; i++) model.push('todos.a.list', i);
      };
    },
  };
}

const childScript = fileURLToPath(new URL('./yjs-push.child.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

async function unpatchedYjsPush(): Promise<ChildReport> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', childScript], {
    cwd: projectRoot,
    timeout: 120_000,
    maxBuffer: 1 << 20,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildReport;
}

async function pushRows(): Promise<Row[]> {
  const c = compare({
    name: 'push 20,000 vs 10,000',
    runs: {
      'yracer 10k': yracerPush(10_000),
      'yracer 20k': yracerPush(20_000),
      'Yjs 10k': rawYjsPush(10_000, RAW_PUSH_ARRAYS),
      'Yjs 20k': rawYjsPush(20_000, RAW_PUSH_ARRAYS),
    },
  });
  const yracer = c.ratio('yracer 20k', 'yracer 10k', 'run');
  const patched = c.ratio('Yjs 20k', 'Yjs 10k', 'run');
  if (!yjsIsPatched()) throw new Error('expected the model to have patched Yjs in this process');
  const child = await unpatchedYjsPush();
  if (child.patched) throw new Error('expected unpatched Yjs in the child process');
  process.stderr.write(`  push 20,000 vs 10,000, unpatched Yjs (child): ${formatMs(child.ms10k)} / ${formatMs(child.ms20k)}\n`);
  const times = (label: string): string => formatMs(c.result(label).medianMs);
  return [
    {
      benchmark: `push one at a time, 20,000 vs 10,000 items: \`model.push('todos.a.list', i)\` (${RAW_PUSH_ARRAYS} fresh models per repetition) (time, 20k/10k; 2x is linear)`,
      yracer: `20k: ${times('yracer 20k')}`,
      baseline: `10k: ${times('yracer 10k')}`,
      ratio: formatRatio(yracer, c.ratioRange('yracer 20k', 'yracer 10k', 'run')),
      target: '≤ 2.3x',
      met: yracer <= 2.3,
    },
    {
      benchmark: `push one at a time, 20,000 vs 10,000 items: raw Yjs \`yarray.push([i])\`, patched by the model (same process; ${RAW_PUSH_ARRAYS} fresh arrays per repetition) (time, 20k/10k)`,
      yracer: `Yjs 20k: ${times('Yjs 20k')}`,
      baseline: `Yjs 10k: ${times('Yjs 10k')}`,
      ratio: formatRatio(patched, c.ratioRange('Yjs 20k', 'Yjs 10k', 'run')),
      target: '—',
      met: null,
    },
    {
      benchmark: `push one at a time, 20,000 vs 10,000 items: raw Yjs \`yarray.push([i])\`, unpatched (child process without the model; ${RAW_PUSH_ARRAYS} fresh arrays per repetition) (time, 20k/10k)`,
      yracer: `Yjs 20k: ${formatMs(child.ms20k)}`,
      baseline: `Yjs 10k: ${formatMs(child.ms10k)}`,
      ratio: formatRatio(child.ratio, child.range),
      target: '— (why the patch exists)',
      met: null,
    },
  ];
}

/** Runs the model-core benchmarks and returns their table rows. */
export async function run(): Promise<Row[]> {
  return [...setRows(), ...snapshotRows(), ...(await pushRows())];
}
