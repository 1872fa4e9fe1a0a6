/**
 * Access-control benchmarks: what rules and a schema cost.
 * 1. A client's write acknowledged by a server with rules and a schema (each
 *    update checked on a copy of the document) vs the same server without.
 * 2. A write relayed to another client by a server with rules (each relayed
 *    change waits for the reader's read rule) vs the same server without.
 * 3. A checked write to a 10,000-field document vs to a 10-field one (what
 *    a check costs as a document grows).
 * 4. `model.set` with a client-side schema (the document is validated, and
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

/** Median time from a `set` in one client to the change in another over WRITES sequential writes, in ms. */
async function relayedWrites(checked: boolean): Promise<number> {
  const server = createServer({ storage: memoryStorage(), log: () => undefined, ...(checked ? { rules, schema } : {}) });
  const { url } = await server.listen({ port: 0 });
  const writer = createModel({ url, WebSocket: WebSocket as never, offline: false });
  const reader = createModel({ url, WebSocket: WebSocket as never, offline: false });
  try {
    await Promise.all([writer.subscribe('todos.a'), reader.subscribe('todos.a')]);
    writer.set('todos.a', TODO);
    await writer.whenNothingPending();
    const times: number[] = [];
    for (let i = 1; i <= WRITES; i++) {
      const seen = new Promise<void>((resolve) => {
        const listener = (): void => {
          if (reader.get('todos.a.n') !== i) return;
          reader.removeListener(listener);
          resolve();
        };
        reader.on('change', 'todos.a.**', listener);
      });
      const started = performance.now();
      writer.set('todos.a.n', i);
      await seen;
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    writer.close();
    reader.close();
    await server.close();
  }
}

/** A document of `fields` number fields. */
const wide = (fields: number): Record<string, number> => Object.fromEntries(Array.from({ length: fields }, (_, i) => [`f${i}`, i]));

/** Median time from `set` of one field to its acknowledgement, by a server with allow-all rules, on a document of `fields` fields, in ms. */
async function ackedOnWidth(fields: number): Promise<number> {
  const server = createServer({ storage: memoryStorage(), log: () => undefined, rules });
  const { url } = await server.listen({ port: 0 });
  const model = createModel({ url, WebSocket: WebSocket as never, offline: false });
  try {
    await model.subscribe('todos.w');
    model.set('todos.w', wide(fields));
    await model.whenNothingPending();
    const times: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => model.set(`todos.w.f${i % fields}`, -i, (error) => (error ? reject(error) : resolve())));
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    model.close();
    await server.close();
  }
}

/** Alternating rounds of a measurement without and with rules: a row of the ratio of medians. */
async function rulesRow(benchmark: string, measure: (checked: boolean) => Promise<number>): Promise<Row> {
  const plain: number[] = [];
  const checked: number[] = [];
  await measure(false); // warm-up
  await measure(true);
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await measure(false));
    checked.push(await measure(true));
  }
  const ratios = checked.map((ms, i) => ms / (plain[i] as number));
  return {
    benchmark,
    yracer: formatPerOp(median(checked) * 1e6),
    baseline: formatPerOp(median(plain) * 1e6),
    ratio: formatRatio(median(checked) / median(plain), [Math.min(...ratios), Math.max(...ratios)]),
    target: '—',
    met: null,
  };
}

async function serverRows(): Promise<Row[]> {
  return [
    await rulesRow(
      'write -> ack, one field of a 50-tag todo, server with allow-all rules + zod schema vs no rules (median over 300 writes; ratio of medians over 7 alternating rounds)',
      ackedWrites,
    ),
    await rulesRow(
      'write in A -> change in B, one field of a 50-tag todo, server with allow-all rules + zod schema (write check, then read rule per relayed change) vs no rules (same medians)',
      relayedWrites,
    ),
    await rulesRow(
      'checked write -> ack, one field of a 10,000-field document vs of a 10-field one, server with allow-all rules (the check previews the write on a shadow copy kept in step; same medians)',
      (large) => ackedOnWidth(large ? 10_000 : 10),
    ),
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
