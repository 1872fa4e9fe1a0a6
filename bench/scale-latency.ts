/**
 * Cases 1 and 2 of scale.bench.ts: one write at a time between two clients.
 *
 * Three contenders, run alternately round by round (sync-rounds.ts); every
 * round opens A and B (yracer models, `createModel({ url, WebSocket })`) on
 * a fresh document `lat.r<round>`, lets A write `n` = 1, 2, ... (SAMPLES
 * writes, `modelA.set('lat.<id>.n', i, callback)`; the next write, in a new
 * macrotask, once the callback ran and B's `change` event showed i), and
 * records write → acknowledgement (the callback: the server stored it) and
 * write → B's event:
 *
 * - `sqlite`: A and B on one server process, `sqliteStorage` (a file in the
 *   temp dir, synchronous = FULL), no fan-out;
 * - `postgres`: A and B on one server process, `postgresStorage`, no fan-out;
 * - `cross`: A on process 1, B on process 2, both `postgresStorage` in one
 *   schema and `redisFanout` (B's process hears A's stored update on Redis).
 */
import { WebSocket } from 'ws';
import { createModel, type Model } from 'yracer';
import { sleep, within } from './bench-child.ts';
import type { ServerGroup } from './scale-procs.ts';
import { alternate, quantile, type Alternation, type Figures } from './sync-rounds.ts';

/** Writes per round. */
export const SAMPLES = 150;

/** A client on one server: its model, subscribed to one document. */
async function open(server: ServerGroup, name: string, docPath: string): Promise<Model> {
  const model = createModel({ url: server.url(name), WebSocket: WebSocket as never });
  try {
    await within(model.subscribe(docPath), 10_000, `subscribing to ${docPath} on ${server.label}`);
    return model;
  } catch (error) {
    model.close();
    throw error;
  }
}

/** Waits until `model` holds `value` at `path` (at most 10 s). */
async function until(model: Model, path: string, value: number): Promise<void> {
  const start = performance.now();
  while (model.get<number>(path) !== value) {
    if (performance.now() - start > 10_000) throw new Error(`${path} did not reach ${value} within 10 s`);
    await sleep(2);
  }
}

/** SAMPLES writes one at a time; resolves with write → ack and write → B's event, in ms. */
function oneAtATime(a: Model, b: Model, path: string): Promise<{ acks: number[]; seen: number[] }> {
  return new Promise((resolve, reject) => {
    const acks: number[] = [];
    const seen: number[] = [];
    let value = 1;
    let t0 = 0;
    let acked = false;
    let arrived = false;
    const timer = setTimeout(() => finish(new Error(`one write at a time: stuck at ${value} of ${SAMPLES}`)), 30_000);
    const listener = b.on('change', path, (event) => {
      if (event.value !== value || arrived) return;
      arrived = true;
      seen.push(performance.now() - t0);
      next();
    });
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      b.removeListener(listener);
      if (error) reject(error);
      else resolve({ acks, seen });
    };
    const write = (): void => {
      acked = false;
      arrived = false;
      t0 = performance.now();
      a.set(path, value, (error) => {
        if (error) return finish(error);
        acks.push(performance.now() - t0);
        acked = true;
        next();
      });
    };
    const next = (): void => {
      if (!acked || !arrived) return;
      if (value >= SAMPLES) return finish();
      value += 1;
      setImmediate(write);
    };
    write();
  });
}

/** One round of a contender: A on `writer`, B on `reader` (the same server, or another process of the pair). */
function pairRound(writer: ServerGroup, reader: ServerGroup): (round: number) => Promise<Figures> {
  return async (round) => {
    const id = `r${round}`;
    const models: Model[] = [];
    try {
      models.push(await open(writer, `a${round}`, `lat.${id}`), await open(reader, `b${round}`, `lat.${id}`));
      const [a, b] = models as [Model, Model];
      const path = `lat.${id}.n`;
      a.set(path, 0);
      await until(b, path, 0);
      const { acks, seen } = await oneAtATime(a, b, path);
      return { ackP50: quantile(acks, 0.5), ackP99: quantile(acks, 0.99), p50: quantile(seen, 0.5), p99: quantile(seen, 0.99) };
    } finally {
      for (const model of models) model.close();
      await writer.figures('settle');
      if (reader !== writer) await reader.figures('settle');
    }
  };
}

/** The three contenders side by side (a warm-up round, then 5 timed rounds). */
export function pairLatency(servers: { sqlite: ServerGroup; postgres: ServerGroup; p1: ServerGroup; p2: ServerGroup }): Promise<Alternation> {
  return alternate({
    name: 'write → ack and A → B, one write at a time',
    runs: {
      sqlite: pairRound(servers.sqlite, servers.sqlite),
      postgres: pairRound(servers.postgres, servers.postgres),
      cross: pairRound(servers.p1, servers.p2),
    },
    rounds: 5,
    budgetMs: 60_000,
  });
}
