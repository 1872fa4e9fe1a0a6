/**
 * `ServerAdmin`: a server's operations side. It creates the metrics on the
 * first `handler()` call (so a server nobody scrapes counts nothing), gives
 * each new connection a meter, times storage appends, and answers readiness:
 * ready unless the server is closing or storage fails to answer a cheap
 * call (`heads` of one document) within `READY_TIMEOUT_MS`.
 */
import type { Fanout } from '../fanout/fanout.ts';
import type { Storage } from '../storage/storage.ts';
import { adminHandler, type AdminHandler } from './admin-handler.ts';
import type { Connection } from './connection.ts';
import { ConnectionMeter } from './connection-meter.ts';
import { MultiplexedConnection } from './multiplexed-connection.ts';
import { ServerMetrics, timedStorage, type ConnectionKind, type MetricsSources } from './server-metrics.ts';

/** How long storage may take to answer the readiness call. */
const READY_TIMEOUT_MS = 2_000;

/** The document readiness asks storage about (it need not exist). */
const PROBE = { collection: 'yracer', id: 'readyz' } as const;

/**
 * Follows a fan-out's status for the `yracer_fanout_up` gauge: 1 after it
 * reported 'up', 0 after 'down', null before its first report. Call it
 * before anything makes the fan-out connect (the server does, when it is
 * created), so the first report is not missed.
 */
export function fanoutStatus(fanout: Fanout): () => number | null {
  let up: number | null = null;
  fanout.onStatus((status) => {
    up = status === 'up' ? 1 : 0;
  });
  return () => up;
}

/** What `ServerAdmin` reads from its server. */
export interface AdminSources extends Omit<MetricsSources, 'connections' | 'documentsStored' | 'storageProblem'> {
  readonly storage: Storage;
  /** The open connections. */
  readonly connections: () => ReadonlySet<Connection>;
  /** True once the server started closing. */
  readonly closing: () => boolean;
}

/** A server's metrics and admin endpoints (see the file's comment). */
export class ServerAdmin {
  readonly #sources: AdminSources;
  #metrics: ServerMetrics | null = null;
  #handler: AdminHandler | null = null;

  constructor(sources: AdminSources) {
    this.#sources = sources;
  }

  /** The metrics, once `handler()` created them (null before). */
  get metrics(): ServerMetrics | null {
    return this.#metrics;
  }

  /** The storage to give rooms: appends are timed once metrics exist. */
  timed(storage: Storage): Storage {
    return timedStorage(storage, () => this.#metrics);
  }

  /** A meter for a new connection, or undefined while there are no metrics. */
  meter(kind: ConnectionKind): ConnectionMeter | undefined {
    return this.#metrics ? new ConnectionMeter(this.#metrics, kind) : undefined;
  }

  /** The HTTP handler of /metrics, /healthz and /readyz (one per server; creates the metrics). */
  handler(): AdminHandler {
    const storage = this.#sources.storage;
    this.#metrics ??= new ServerMetrics({
      ...this.#sources,
      connections: () => this.#connectionKinds(),
      ...(storage.countDocuments ? { documentsStored: () => storage.countDocuments?.() ?? Promise.resolve(0) } : {}),
      storageProblem: () => this.#storageProblem(),
    });
    this.#handler ??= adminHandler({ metrics: this.#metrics, ready: () => this.#ready() });
    return this.#handler;
  }

  #connectionKinds(): Record<ConnectionKind, number> {
    const connections = this.#sources.connections();
    let multiplexed = 0;
    for (const connection of connections) if (connection instanceof MultiplexedConnection) multiplexed += 1;
    return { multiplexed, stock: connections.size - multiplexed };
  }

  /** Null when ready, otherwise why not. */
  async #ready(): Promise<string | null> {
    if (this.#sources.closing()) return 'the server is closing';
    const reason = await this.#storageProblem();
    return reason ?? (this.#sources.closing() ? 'the server is closing' : null);
  }

  /** Null when storage answers a cheap call within `READY_TIMEOUT_MS`, otherwise why not. */
  async #storageProblem(): Promise<string | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`storage did not answer within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    });
    const answered = this.#sources.storage.heads([PROBE]).then(
      () => null,
      (error: unknown) => `storage failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    try {
      return await Promise.race([answered, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
