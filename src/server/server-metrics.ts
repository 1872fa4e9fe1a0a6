/**
 * `ServerMetrics`: a server's Prometheus metrics (prom-client), in a
 * registry of its own (never prom-client's global one), so two servers in
 * one process never mix. Gauges (connections, rooms, live queries) are read
 * from the server when scraped; counters and histograms count from the
 * moment the metrics are created (the server's first `adminHandler()`).
 * Every name starts with `yracer_`; Node's default metrics (event-loop lag,
 * memory, GC) come with prom-client's own names.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Storage } from '../storage/storage.ts';

/** The kind of a WebSocket connection: the multiplexed protocol, or a stock y-websocket client's. */
export type ConnectionKind = 'multiplexed' | 'stock';

/** What the gauges read from the server when scraped. */
export interface MetricsSources {
  /** Open connections of each kind. */
  readonly connections: () => Readonly<Record<ConnectionKind, number>>;
  /** Documents in memory (loaded or loading). */
  readonly rooms: () => number;
  /** Distinct live queries. */
  readonly liveQueries: () => number;
  /** Clients with a presence state, summed over the rooms in memory. */
  readonly presenceStates: () => number;
  /** Documents with stored updates; absent when the storage cannot count them. */
  readonly documentsStored?: () => Promise<number>;
  /** Null when storage answers, otherwise why not (the readiness check). */
  readonly storageProblem: () => Promise<string | null>;
  /**
   * With a fan-out to other processes (Redis): 1 while it is connected, 0
   * while it is not, null before it reported either; absent without one.
   */
  readonly fanoutUp?: () => number | null;
}

/** Seconds from a `performance.now()` reading until now. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/** Latency buckets in seconds, from 0.5 ms (an in-memory store) to 10 s (a database that stalls). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A server's metrics (see the file's comment); `registry.metrics()` renders them. */
export class ServerMetrics {
  /** The registry holding this server's metrics only. */
  readonly registry = new Registry();
  /** Updates (sync step 2 and update messages) received from clients. */
  readonly updatesReceived: Counter;
  /** Updates (sync step 2 and update messages) sent to clients, one per recipient. */
  readonly updatesSent: Counter;
  /** Bytes of the WebSocket messages received (payloads, without framing). */
  readonly bytesReceived: Counter;
  /** Bytes of the WebSocket messages sent (payloads, without framing). */
  readonly bytesSent: Counter;
  /** Seconds from receiving a tracked update until its ack is sent (it is stored then). */
  readonly ackLatency: Histogram;
  /** Seconds a storage `append` takes. */
  readonly appendLatency: Histogram;
  /** Writes refused, by error code (`forbidden`, `invalid-document`, `storage-failed`, ...). */
  readonly writesRefused: Counter<'code'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'yracer_connections',
      help: 'Open WebSocket connections, by kind (multiplexed or stock y-websocket).',
      labelNames: ['kind'],
      registers,
      collect() {
        const counts = sources.connections();
        this.set({ kind: 'multiplexed' }, counts.multiplexed);
        this.set({ kind: 'stock' }, counts.stock);
      },
    });
    new Gauge({
      name: 'yracer_rooms',
      help: 'Documents in memory (loaded or loading).',
      registers,
      collect() {
        this.set(sources.rooms());
      },
    });
    new Gauge({
      name: 'yracer_live_queries',
      help: 'Distinct live queries the server keeps up to date.',
      registers,
      collect() {
        this.set(sources.liveQueries());
      },
    });
    new Gauge({
      name: 'yracer_presence_states',
      help: 'Clients with a presence (awareness) state, over the documents in memory.',
      registers,
      collect() {
        this.set(sources.presenceStates());
      },
    });
    const documentsStored = sources.documentsStored;
    if (documentsStored) {
      new Gauge({
        name: 'yracer_documents_stored',
        help: 'Documents with stored updates, counted by the storage when scraped (keeps its last value when that fails).',
        registers,
        async collect() {
          const count = await documentsStored().catch(() => null);
          if (count !== null) this.set(count);
        },
      });
    }
    new Gauge({
      name: 'yracer_storage_up',
      help: 'Storage (SQLite, Postgres, ...) answered a cheap read when scraped: 1, or 0 when it failed or took over 2 s.',
      registers,
      async collect() {
        this.set((await sources.storageProblem()) === null ? 1 : 0);
      },
    });
    const fanoutUp = sources.fanoutUp;
    if (fanoutUp) {
      new Gauge({
        name: 'yracer_fanout_up',
        help: 'The fan-out to other server processes (Redis): 1 while connected, 0 while not (absent before it reported).',
        registers,
        collect() {
          const up = fanoutUp();
          if (up === null) this.reset();
          else this.set(up);
        },
      });
    }
    this.updatesReceived = new Counter({ name: 'yracer_updates_received_total', help: 'Document updates received from clients.', registers });
    this.updatesSent = new Counter({ name: 'yracer_updates_sent_total', help: 'Document updates sent to clients (one per recipient).', registers });
    this.bytesReceived = new Counter({ name: 'yracer_received_bytes_total', help: 'Bytes of WebSocket messages received.', registers });
    this.bytesSent = new Counter({ name: 'yracer_sent_bytes_total', help: 'Bytes of WebSocket messages sent.', registers });
    this.ackLatency = new Histogram({
      name: 'yracer_write_ack_seconds',
      help: 'Seconds from receiving a tracked update until its ack is sent (it is stored).',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.appendLatency = new Histogram({
      name: 'yracer_storage_append_seconds',
      help: 'Seconds a storage append takes (failed ones included).',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.writesRefused = new Counter({
      name: 'yracer_writes_refused_total',
      help: 'Tracked writes answered with an error instead of an ack, by error code.',
      labelNames: ['code'],
      registers,
    });
  }
}

/**
 * `storage` with its `append` timed into `metrics()`'s histogram (when
 * metrics exist: `metrics()` returns null before); every other member is
 * storage's own.
 */
export function timedStorage(storage: Storage, metrics: () => ServerMetrics | null): Storage {
  const append: Storage['append'] = (key, updates, options) => {
    const histogram = metrics()?.appendLatency;
    if (!histogram) return storage.append(key, updates, options);
    const start = performance.now();
    const done = (): void => histogram.observe(secondsSince(start));
    const appended = storage.append(key, updates, options);
    appended.then(done, done);
    return appended;
  };
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'append') return append;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
