/**
 * The memory case of peers.bench.ts: server heap per loaded idle document.
 *
 * For each system in turn, a fresh server process (sync-server.child.ts);
 * one client opens WARMUP_DOCS documents, writes `n` in each and leaves (a
 * warm-up of the server's code paths); then heapUsed after gc in the
 * server's process; then one client opens MEMORY_DOCS other documents and
 * writes `n = i` in each (waiting for the acknowledgement where there is
 * one), everything is left idle for SETTLE_MS (longer than Hocuspocus's 2 s
 * store debounce), and heapUsed after gc again. The result is the growth
 * per document, with the client still connected (the documents loaded).
 *
 * "One client" is one connection for the systems that carry many documents
 * over one (yracer's model, a Hocuspocus provider socket, a ShareDB
 * connection); y-websocket has one connection per document, so its figure
 * includes a WebSocket per document.
 */
import { WebSocket } from 'ws';
import { createModel, type Model } from 'yracer';
import { sleep, within } from './bench-child.ts';
import type { Session } from './peers-clients.ts';
import { ServerProcess, type Peer, type PeerFactory } from './sync-peers.ts';

export const MEMORY_DOCS = 2_000;
const WARMUP_DOCS = 100;
/** Documents opened at once. */
const BATCH = 100;
const SETTLE_MS = 3_000;

/** One yracer model; each document a subscription on it (a document's `close` does nothing: the session closes the model). */
export function yracerSession(url: string): Session {
  const model: Model = createModel({ url, WebSocket: WebSocket as never });
  return {
    open: async (docId) => {
      await within(model.subscribe(`todos.${docId}`), 20_000, `yracer subscribe to todos.${docId}`);
      const path = `todos.${docId}.n`;
      return {
        write: (value) => void model.set(path, value),
        writeAcked: (value, callback) => void model.set(path, value, callback),
        listen: (listener) => void model.on('change', path, (event) => listener(event.value as number)),
        value: () => model.get<number>(path),
        close: () => undefined,
      };
    },
    close: () => model.close(),
  };
}

/** Clients with a connection per document (y-websocket's providers), as a session. */
export function perDocumentSession(factory: PeerFactory, url: string): Session {
  const peers: Peer[] = [];
  return {
    open: async (docId) => {
      const peer = await factory(url, docId);
      peers.push(peer);
      return peer;
    },
    close: () => {
      for (const peer of peers.splice(0)) peer.close();
    },
  };
}

/** Opens `count` documents `<prefix><i>` in one session and writes `n = i` in each. */
async function load(session: Session, prefix: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, count - start) }, async (_, k) => {
        const i = start + k;
        const peer = await session.open(`${prefix}${i}`);
        if (!peer.writeAcked) return peer.write(i);
        const acked = new Promise<void>((resolve, reject) => peer.writeAcked?.(i, (error) => (error ? reject(error) : resolve())));
        await within(acked, 20_000, `acknowledgement of ${prefix}${i}`);
      }),
    );
  }
}

/** What one system's memory case measured. */
export interface MemoryResult {
  readonly startHeap: number;
  readonly loadedHeap: number;
  /** Heap growth per loaded document, in bytes. */
  readonly perDoc: number;
  /** Documents the server said it held when loaded (-1: it does not say). */
  readonly rooms: number;
}

/** The memory case of one system: a fresh server with `args`, clients from `session`. */
export async function memoryCase(label: string, args: readonly string[], session: (url: string) => Session): Promise<MemoryResult> {
  const started = performance.now();
  const server = await ServerProcess.start(`${label} (memory)`, args);
  try {
    const warm = session(server.url);
    await load(warm, 'warm', WARMUP_DOCS);
    warm.close();
    await server.command('settle');
    await sleep(SETTLE_MS);
    const start = await server.command('heap');
    const client = session(server.url);
    try {
      await load(client, 'm', MEMORY_DOCS);
      await sleep(SETTLE_MS);
      const loaded = await server.command('heap');
      const result = { startHeap: start.heapUsed, loadedHeap: loaded.heapUsed, perDoc: (loaded.heapUsed - start.heapUsed) / MEMORY_DOCS, rooms: loaded.rooms };
      const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
      process.stderr.write(
        `  memory ${label}: ${mib(result.startHeap)} -> ${mib(result.loadedHeap)} (${result.rooms} rooms), ${(result.perDoc / 1024).toFixed(2)} KiB/doc, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
      return result;
    } finally {
      client.close();
    }
  } finally {
    await server.close();
  }
}
