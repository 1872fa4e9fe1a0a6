/**
 * W5 of peers.bench.ts: capacity, on fleets of any system's clients
 * (`Peer`s): CLIENTS clients over DOCS documents (scale-fleet.ts's sizes),
 * a writer and a reader per document, each client with a connection of its
 * own, all in the benchmark's process.
 *
 * The write rate steps up through RATES (STEP_MS each, scale-capacity.ts's
 * length); a step writes at a fixed rate (a loop paced by the clock, the
 * writes going round the documents, each a rising `seq`), then waits (at
 * most DRAIN_MS) until every write reached its reader: a reader seeing
 * value v delivers every write of its document up to v; a write that never
 * arrives counts as infinitely late. A system passes a step as in the scale
 * bench (`passed`: p99 under P99_LIMIT_MS, at least 95% of the rate
 * issued); its capacity is the highest step passed before the first it
 * failed (it stops there). The systems take their steps alternately, after
 * an untimed warm-up step each (WARMUP_MS at the lowest rate).
 *
 * Server CPU per write: `process.cpuUsage()` of the server's process (its
 * `stats` answer) from just before a step's first write until STORE_TAIL_MS
 * after its last write arrived, so that work done after the deliveries
 * (Hocuspocus stores a document 2 s after its last change) is counted too,
 * divided by the writes issued.
 */
import { sleep } from './bench-child.ts';
import { P99_LIMIT_MS, STEP_MS, stepUp } from './scale-capacity.ts';
import { CLIENTS, DOCS, DRAIN_MS, pacedWrites } from './scale-fleet.ts';
import type { Peer, PeerFactory, ServerProcess } from './sync-peers.ts';
import { quantile } from './sync-rounds.ts';

export { CLIENTS, DOCS, P99_LIMIT_MS, STEP_MS };

/** The write rates of the steps, in writes/s. */
export const RATES = [500, 1_000, 2_000, 4_000] as const;
/** CPU counting goes on this long after a step's deliveries (Hocuspocus's store debounce is 2 s). */
export const STORE_TAIL_MS = 2_500;
/** An untimed first step per fleet (at the lowest rate, no tail), so the first timed one does not pay for warming up. */
const WARMUP_MS = 1_000;
/** Clients opening at once. */
const OPEN_BATCH = 20;
/** Hard limit on the whole capacity case, in ms. */
const CAPACITY_BUDGET_MS = 150_000;

/** What one step measured. */
export interface PeerStep {
  readonly rate: number;
  /** Writes per second actually issued. */
  readonly achieved: number;
  readonly writes: number;
  /** Writes that reached their reader. */
  readonly delivered: number;
  /** Write → reader's event, in ms. */
  readonly p50: number;
  readonly p99: number;
  /** The server process's CPU time per write issued, in µs. */
  readonly serverUsPerWrite: number;
  /** This process's (every client's) CPU time per write issued, in µs: when it nears a core, the clients limit the rate issued. */
  readonly clientUsPerWrite: number;
}

/** A writer and a reader on each of DOCS documents of one server. */
export class PeerFleet {
  readonly #server: ServerProcess;
  readonly #writers: Peer[] = [];
  readonly #all: Peer[] = [];
  /** Per document, the writes on their way: [seq, t0]. */
  readonly #queues: Array<Array<readonly [number, number]>> = Array.from({ length: DOCS }, () => []);
  #latencies: number[] = [];
  #seq = 0;
  #next = 0;

  private constructor(server: ServerProcess) {
    this.#server = server;
  }

  /** Opens the fleet's clients on documents `<tag>d0` ... and sees every document through once. */
  static async open(server: ServerProcess, factory: PeerFactory, tag: string): Promise<PeerFleet> {
    const fleet = new PeerFleet(server);
    try {
      await fleet.#open(factory, tag);
      return fleet;
    } catch (error) {
      fleet.close();
      throw error;
    }
  }

  async #open(factory: PeerFactory, tag: string): Promise<void> {
    const peers = new Array<Peer>(CLIENTS);
    for (let start = 0; start < CLIENTS; start += OPEN_BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(OPEN_BATCH, CLIENTS - start) }, async (_, k) => {
          const i = start + k;
          const peer = await factory(this.#server.url, `${tag}d${i % DOCS}`);
          peers[i] = peer;
          this.#all.push(peer);
        }),
      );
    }
    this.#writers.push(...peers.slice(0, DOCS));
    const readers = peers.slice(DOCS);
    for (const writer of this.#writers) writer.write(0);
    const since = performance.now();
    while (!readers.every((reader) => reader.value() === 0)) {
      if (performance.now() - since > 20_000) throw new Error(`${this.#server.label}: the readers did not all see their document within 20 s`);
      await sleep(5);
    }
    readers.forEach((reader, doc) => {
      reader.listen((value) => {
        const queue = this.#queues[doc] as Array<readonly [number, number]>;
        const now = performance.now();
        while (queue.length > 0 && (queue[0] as readonly [number, number])[0] <= value) {
          this.#latencies.push(now - (queue.shift() as readonly [number, number])[1]);
        }
      });
    });
  }

  /** Writes at `rate` per second for `ms`, drains, waits `tailMs`, and measures. */
  async step(rate: number, ms: number, tailMs = STORE_TAIL_MS): Promise<PeerStep> {
    const count = Math.round((rate * ms) / 1000);
    this.#latencies = [];
    const before = await this.#server.command('stats');
    const clientBefore = process.cpuUsage();
    const achieved = await pacedWrites(rate, count, () => {
      const doc = this.#next;
      this.#next = (this.#next + 1) % DOCS;
      const seq = (this.#seq += 1);
      (this.#queues[doc] as Array<readonly [number, number]>).push([seq, performance.now()]);
      (this.#writers[doc] as Peer).write(seq);
    });
    const pending = (): number => this.#queues.reduce((sum, queue) => sum + queue.length, 0);
    const drainStart = performance.now();
    while (pending() > 0 && performance.now() - drainStart < DRAIN_MS) await sleep(2);
    const client = process.cpuUsage(clientBefore);
    await sleep(tailMs);
    const after = await this.#server.command('stats');
    const latencies = this.#latencies;
    const delivered = latencies.length;
    // Writes that never arrived: infinitely late; dropped so the next step starts clean.
    for (const queue of this.#queues) for (const _ of queue.splice(0)) latencies.push(Infinity);
    const cpuUs = after.userUs + after.systemUs - before.userUs - before.systemUs;
    return {
      rate,
      achieved,
      writes: count,
      delivered,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      serverUsPerWrite: cpuUs / count,
      clientUsPerWrite: (client.user + client.system) / count,
    };
  }

  /** Closes every client and waits until the server saw them go. */
  async closeAndSettle(): Promise<void> {
    this.close();
    await this.#server.command('settle');
  }

  /** Closes every client. */
  close(): void {
    for (const peer of this.#all.splice(0)) peer.close();
    this.#writers.length = 0;
  }
}

/** The steps each system took and its capacity (0: not even the first step). */
export interface PeerCapacity {
  readonly steps: Readonly<Record<string, readonly PeerStep[]>>;
  readonly capacity: Readonly<Record<string, number>>;
}

/** Steps the fleets up alternately until each fails a step (or RATES end). */
export async function peerCapacity(fleets: Readonly<Record<string, PeerFleet>>): Promise<PeerCapacity> {
  for (const fleet of Object.values(fleets)) await fleet.step(RATES[0], WARMUP_MS, 0);
  return stepUp({
    labels: Object.keys(fleets),
    rates: RATES,
    step: (label, rate) => (fleets[label] as PeerFleet).step(rate, STEP_MS),
    describe: (label, step) =>
      `${label} @ ${step.rate}/s: issued ${step.achieved.toFixed(0)}/s, p50 ${step.p50.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, ` +
      `${step.writes - step.delivered} lost, server CPU ${step.serverUsPerWrite.toFixed(1)} µs/write, clients ${step.clientUsPerWrite.toFixed(1)} µs/write`,
    budgetMs: CAPACITY_BUDGET_MS,
    name: 'peers capacity',
    pauseMs: 0,
  });
}
