/**
 * The load of cases 3 and 4 of scale.bench.ts: a fleet of CLIENTS yracer
 * models (one connection each) on one server group, over DOCS documents
 * `cap.<tag>d<k>`: each document has a writer model and a reader model. The
 * models open in a seeded random order, so behind a `node:cluster`
 * (connections handed to the workers in turn) a document's writer and
 * reader land on the same or different processes by chance; the servers
 * record which process each client reached (`?c=` names), and the fleet
 * reports the share of documents whose two clients are on different ones.
 *
 * A step writes at a fixed rate for a fixed time (a loop paced by the
 * clock, the writes going round the documents: `writer.set('cap.<id>.n',
 * seq)` with a rising `seq`), then waits (at most DRAIN_MS) until every
 * write reached its reader: a reader's `change` event with value v
 * delivers every write of that document up to v. A write that never
 * arrives counts as infinitely late. The p99 is also given separately for
 * the documents whose two clients share a process and for the others, and
 * the write → acknowledgement (stored) latency from the writes' callbacks;
 * the drain also waits for the acknowledgements.
 * Around the step it reads the CPU time of the servers, of Postgres and
 * Redis (scale-procs.ts) and of this process.
 */
import { WebSocket } from 'ws';
import { createModel, type Model } from 'yracer';
import { seededRandom } from './harness.ts';
import { sleep, within } from './bench-child.ts';
import { backingDelta, cpuOf, type Backing, type ServerGroup } from './scale-procs.ts';
import { quantile } from './sync-rounds.ts';

/** A quantile, NaN for no samples. */
const orNaN = (samples: readonly number[], q: number): number => (samples.length === 0 ? NaN : quantile(samples, q));

/** Documents of a fleet, and clients (a writer and a reader per document). */
export const DOCS = 100;
export const CLIENTS = 2 * DOCS;
/** Longest wait for the last writes of a step, in ms (default). */
export const DRAIN_MS = 2_000;
/** Models opening at once. */
const OPEN_BATCH = 20;

/**
 * Calls `write()` `count` times, paced at `rate` a second from now: each
 * turn issues the writes that are due, then waits a millisecond. Resolves
 * with the rate achieved (writes per second).
 */
export async function pacedWrites(rate: number, count: number, write: () => void): Promise<number> {
  const start = performance.now();
  let written = 0;
  while (written < count) {
    const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; written < due; written++) write();
    await sleep(1);
  }
  return (count * 1000) / (performance.now() - start);
}

/** What one step measured. */
export interface Step {
  readonly rate: number;
  /** Writes per second actually issued. */
  readonly achieved: number;
  readonly writes: number;
  /** Writes that reached their reader. */
  readonly delivered: number;
  /** Write → reader's event, in ms (Infinity when more than 1% never arrived). */
  readonly p50: number;
  readonly p99: number;
  /** The p99 of the documents whose writer and reader are on one process, and on different ones (NaN: no such document). */
  readonly sameP99: number;
  readonly crossP99: number;
  /** Write → acknowledgement (stored), in ms (Infinity when more than 1% were not acknowledged within the drain). */
  readonly ackP50: number;
  readonly ackP99: number;
  /** From the first write until the last arrived (or the drain gave up), in ms. */
  readonly wallMs: number;
  /** CPU time over the step, in µs: the node servers (all, and per process), this run's Postgres backends, every postgres process, redis-server, this process (the clients). */
  readonly serverUs: number;
  readonly perProcessUs: readonly number[];
  readonly postgresOursUs: number;
  readonly postgresAllUs: number;
  readonly redisUs: number;
  readonly clientUs: number;
}

/** A fleet of writers and readers on one server group. */
export class Fleet {
  readonly server: ServerGroup;
  /** Share of documents whose writer and reader are on different server processes. */
  crossShare = 0;
  readonly #tag: string;
  readonly #writers: Model[] = [];
  readonly #readers: Model[] = [];
  /** Every model opened (closed by `close`, also after a failed open). */
  readonly #all: Model[] = [];
  /** Per document, the writes on their way: [seq, t0]. */
  readonly #queues: Array<Array<readonly [number, number]>> = Array.from({ length: DOCS }, () => []);
  /** Per document: whether its writer and reader are on different processes. */
  readonly #crossed: boolean[] = [];
  #latencies = { same: [] as number[], cross: [] as number[] };
  #seq = 0;
  #next = 0;

  private constructor(server: ServerGroup, tag: string) {
    this.server = server;
    this.#tag = tag;
  }

  /** Opens the fleet (seeded order), sees every document through once, and asks the servers where each client landed. */
  static async open(server: ServerGroup, tag: string, seed: number): Promise<Fleet> {
    const fleet = new Fleet(server, tag);
    try {
      await fleet.#open(seed);
      return fleet;
    } catch (error) {
      fleet.close();
      throw error;
    }
  }

  async #open(seed: number): Promise<void> {
    const random = seededRandom(seed);
    const order = Array.from({ length: CLIENTS }, (_, i) => i).sort(() => random() - 0.5);
    const models = new Array<Model>(CLIENTS);
    for (let start = 0; start < CLIENTS; start += OPEN_BATCH) {
      await Promise.all(
        order.slice(start, start + OPEN_BATCH).map(async (i) => {
          const doc = i % DOCS;
          const model = createModel({ url: this.server.url(`${i < DOCS ? 'w' : 'r'}${doc}`), WebSocket: WebSocket as never });
          models[i] = model;
          this.#all.push(model);
          await within(model.subscribe(`cap.${this.#tag}d${doc}`), 20_000, `subscribing to cap.${this.#tag}d${doc} on ${this.server.label}`);
        }),
      );
    }
    this.#writers.push(...models.slice(0, DOCS));
    this.#readers.push(...models.slice(DOCS));
    // Every document created, its rooms loaded and connected everywhere (a creation is not a `change` of `n`: poll).
    this.#writers.forEach((writer, doc) => writer.set(this.#path(doc), 0));
    const since = performance.now();
    while (!this.#readers.every((reader, doc) => reader.get<number>(this.#path(doc)) === 0)) {
      if (performance.now() - since > 20_000) throw new Error(`${this.server.label}: the readers did not all see their document within 20 s`);
      await sleep(5);
    }
    this.#readers.forEach((reader, doc) => {
      reader.on('change', this.#path(doc), (event) => {
        const queue = this.#queues[doc] as Array<readonly [number, number]>;
        const now = performance.now();
        while (queue.length > 0 && (queue[0] as readonly [number, number])[0] <= (event.value as number)) {
          const latency = now - (queue.shift() as readonly [number, number])[1];
          (this.#crossed[doc] ? this.#latencies.cross : this.#latencies.same).push(latency);
        }
      });
    });
    const where = new Map<string, number>();
    for (const process of await this.server.figures('clients')) for (const name of process.clients ?? []) where.set(name, process.pid);
    let cross = 0;
    for (let doc = 0; doc < DOCS; doc++) {
      this.#crossed[doc] = where.get(`w${doc}`) !== where.get(`r${doc}`);
      if (this.#crossed[doc]) cross += 1;
    }
    this.crossShare = cross / DOCS;
  }

  #path(doc: number): string {
    return `cap.${this.#tag}d${doc}.n`;
  }

  /** Writes at `rate` per second for `ms`, drains (at most `drainMs`), and measures (CPU of Postgres and Redis too, given `backing`). */
  async step(rate: number, ms: number, backing: Backing | null, drainMs = DRAIN_MS): Promise<Step> {
    const count = Math.round((rate * ms) / 1000);
    this.#latencies = { same: [], cross: [] };
    const acks: number[] = [];
    const serverBefore = await this.server.figures('cpu');
    const backingBefore = await backing?.cpu();
    const clientBefore = process.cpuUsage();
    const start = performance.now();
    const achieved = await pacedWrites(rate, count, () => {
      const doc = this.#next;
      this.#next = (this.#next + 1) % DOCS;
      const seq = (this.#seq += 1);
      const t0 = performance.now();
      (this.#queues[doc] as Array<readonly [number, number]>).push([seq, t0]);
      (this.#writers[doc] as Model).set(this.#path(doc), seq, () => acks.push(performance.now() - t0));
    });
    const pending = (): number => this.#queues.reduce((sum, queue) => sum + queue.length, 0);
    const drainStart = performance.now();
    // Until every write reached its reader and was acknowledged (stored): the CPU counted is that of all of it.
    while ((pending() > 0 || acks.length < count) && performance.now() - drainStart < drainMs) await sleep(2);
    const stored = [...acks, ...Array.from({ length: count - acks.length }, () => Infinity)];
    const wallMs = performance.now() - start;
    const clientCpu = process.cpuUsage(clientBefore);
    const serverAfter = await this.server.figures('cpu');
    const backingAfter = await backing?.cpu();
    const { same, cross } = this.#latencies;
    const delivered = same.length + cross.length;
    // Writes that never arrived: infinitely late; dropped from the queues so the next step starts clean.
    this.#queues.forEach((queue, doc) => {
      for (const _ of queue.splice(0)) (this.#crossed[doc] ? cross : same).push(Infinity);
    });
    const latencies = [...same, ...cross];
    const before = new Map(serverBefore.map((p) => [p.pid, p.userUs + p.systemUs]));
    const delta = (key: 'ours' | 'postgres' | 'redis'): number =>
      backingBefore && backingAfter ? backingDelta(backingBefore[key], backingAfter[key]) : 0;
    return {
      rate,
      achieved,
      writes: count,
      delivered,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      sameP99: orNaN(same, 0.99),
      crossP99: orNaN(cross, 0.99),
      ackP50: quantile(stored, 0.5),
      ackP99: quantile(stored, 0.99),
      wallMs,
      serverUs: cpuOf(serverAfter) - cpuOf(serverBefore),
      perProcessUs: serverAfter.map((p) => p.userUs + p.systemUs - (before.get(p.pid) ?? 0)),
      postgresOursUs: delta('ours'),
      postgresAllUs: delta('postgres'),
      redisUs: delta('redis'),
      clientUs: clientCpu.user + clientCpu.system,
    };
  }

  /** Closes every model and waits until the servers saw them go. */
  async closeAndSettle(): Promise<void> {
    this.close();
    await this.server.figures('settle');
  }

  /** Closes every model. */
  close(): void {
    for (const model of this.#all.splice(0)) model.close();
    this.#writers.length = 0;
    this.#readers.length = 0;
  }
}
