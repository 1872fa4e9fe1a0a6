/**
 * Access-control benchmarks: what rules and a schema cost.
 * 1. A client's write acknowledged by a server with rules and a schema (each
 *    update checked on a copy of the document) vs the same server without.
 * 2. `model.set` with a client-side schema (the document is validated, and
 *    its state kept to undo a refused write) vs without.
 * yracer is imported as the built package; `npm run bench` builds first.
 */
import { WebSocket } from 'ws';
import { createModel } from 'yracer';
import { createServer, memoryStorage, type Rules } from 'yracer/server';
import { z } from 'zod';
import { compare, formatPerOp, formatRatio, median, type Row } from './harness.ts';

const schema = {
  todos: z.object({ title: z.string(), done: z.boolean(), n: z.number(), tags: z.array(z.string()) }),
};
const allow = (): boolean => true;
const rules: Rules = { todos: { read: allow, create: allow, update: allow, delete: allow } };
const TODO = { title: 'x', done: false, n: 0, tags: Array.from({ length: 50 }, (_, i) => `tag ${i}`) };

const WRITES = 300;
const ROUNDS = 7;

/** Median time from `set` to its acknowledgement over WRITES sequential writes, in ms. */
async function ackedWrites(checked: boolean): Promise<number> {
  const server = createServer({ storage: memoryStorage(), log: () => undefined, ...(checked ? { rules, schema } : {}) });
  const { url } = await server.listen({ port: 0 });
  const model = createModel({ url, WebSocket: WebSocket as never, offline: false });
  try {
    await model.subscribe('todos.a');
    model.set('todos.a', TODO);
    await model.whenNothingPending();
    const times: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => model.set('todos.a.n', i, (error) => (error ? reject(error) : resolve())));
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    model.close();
    await server.close();
  }
}

async function serverRows(): Promise<Row[]> {
  const plain: number[] = [];
  const checked: number[] = [];
  await ackedWrites(false); // warm-up
  await ackedWrites(true);
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await ackedWrites(false));
    checked.push(await ackedWrites(true));
  }
  const ratio = median(checked) / median(plain);
  const ratios = checked.map((ms, i) => ms / (plain[i] as number));
  return [
    {
      benchmark: 'write -> ack, one field of a 50-tag todo, server with allow-all rules + zod schema vs no rules (median over 300 writes; ratio of medians over 7 alternating rounds)',
      yracer: formatPerOp(median(checked) * 1e6),
      baseline: formatPerOp(median(plain) * 1e6),
      ratio: formatRatio(ratio, [Math.min(...ratios), Math.max(...ratios)]),
      target: '—',
      met: null,
    },
  ];
}

const SETS = 2000;

function clientRows(): Row[] {
  const contender = (withSchema: boolean) => ({
    ops: SETS,
    prepare: () => {
      const model = createModel(withSchema ? { schema } : {});
      model.set('todos.a', TODO);
      return () => {
        for (let i = 0; i < SETS; i++) model.set('todos.a.n', i);
      };
    },
  });
  const c = compare({ name: 'set with a client schema', runs: { plain: contender(false), schema: contender(true) }, baseline: 'plain' });
  return [
    {
      benchmark: '`model.set` of one field of a 50-tag todo with `createModel({ schema })` (zod) vs without (time, schema/plain)',
      yracer: formatPerOp(c.result('schema').nsPerOp),
      baseline: formatPerOp(c.result('plain').nsPerOp),
      ratio: formatRatio(c.ratio('schema', 'plain'), c.ratioRange('schema', 'plain')),
      target: '—',
      met: null,
    },
  ];
}

/** Runs the access benchmarks. */
export async function run(): Promise<Row[]> {
  return [...(await serverRows()), ...clientRows()];
}
