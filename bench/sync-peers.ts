/**
 * What sync.bench.ts drives: server processes (sync-server.child.ts) and
 * clients in the benchmark's own process, with one interface for both
 * contenders:
 *
 * - yracer: a model per client, `createModel({ url, WebSocket })`, subscribed
 *   to `todos.<id>`; a write is `model.set('todos.<id>.n', value)` and a
 *   reader listens with `model.on('change', 'todos.<id>.n', ...)`.
 * - relay: a stock `y-websocket` provider per client,
 *   `new WebsocketProvider(url, 'todos/<id>', ydoc, { WebSocketPolyfill, disableBc: true })`;
 *   a write is `ydoc.getMap('data').set('n', value)` and a reader observes that map.
 *
 * Both hold the same data: a document whose root map `data` has the key `n`.
 */
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createModel, type Model } from 'yracer';
import { BenchChild, sleep, within } from './bench-child.ts';
import type { Started, Stats } from './sync-server.child.ts';

const serverScript = fileURLToPath(new URL('./sync-server.child.ts', import.meta.url));



/** A server running in a child process. */
export class ServerProcess {
  readonly label: string;
  readonly port: number;
  readonly #child: BenchChild;

  private constructor(label: string, child: BenchChild) {
    this.label = label;
    this.#child = child;
    this.port = (child.started as Started).port;
  }

  /** Starts `sync-server.child.ts` with these arguments and waits for its port. */
  static async start(label: string, args: readonly string[]): Promise<ServerProcess> {
    return new ServerProcess(label, await BenchChild.start(`server ${label}`, serverScript, args, ['--expose-gc']));
  }

  /** `ws://127.0.0.1:<port>` (the yracer multiplexed endpoint is `/`; relay rooms are paths below it). */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Sends a command (see sync-server.child.ts) and waits for its answer. */
  command(command: 'stats' | 'settle' | 'heap', timeoutMs = 20_000): Promise<Stats> {
    return this.#child.command<Stats>(command, timeoutMs);
  }

  /** Closes the server and waits for its process to exit (killing it after 10 s). */
  close(): Promise<void> {
    return this.#child.close();
  }
}

/** One client on one document, either contender. */
export interface Peer {
  /** Writes `value` to the document's `n`. */
  write(value: number): void;
  /** Writes and calls back once the server acknowledged it (yracer only). */
  writeAcked?(value: number, callback: (error?: Error) => void): void;
  /** Calls `listener` with every new value of `n` this client sees. */
  listen(listener: (value: number) => void): void;
  /** The value of `n` this client holds now. */
  value(): number | undefined;
  /** Stops every listener, closes the connection and frees the document. */
  close(): void;
}

/** The contenders' clients: how to open one on a document. */
export type PeerFactory = (url: string, docId: string) => Promise<Peer>;

/** A yracer model subscribed to `todos.<docId>`. */
export const yracerPeer: PeerFactory = async (url, docId) => {
  const model: Model = createModel({ url, WebSocket: WebSocket as never });
  const path = `todos.${docId}.n`;
  try {
    await within(model.subscribe(`todos.${docId}`), 10_000, `yracer subscribe to todos.${docId}`);
  } catch (error) {
    model.close();
    throw error;
  }
  return {
    write: (value) => {
      model.set(path, value);
    },
    writeAcked: (value, callback) => {
      model.set(path, value, callback);
    },
    listen: (listener) => {
      model.on('change', path, (event) => listener(event.value as number));
    },
    value: () => model.get<number>(path),
    close: () => model.close(),
  };
};

/** A stock y-websocket provider on the room `todos/<docId>`. */
export const relayPeer: PeerFactory = async (url, docId) => {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(url, `todos/${docId}`, ydoc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
  });
  const close = (): void => {
    provider.destroy();
    provider.awareness.destroy();
    ydoc.destroy();
  };
  try {
    await within(
      new Promise<void>((resolve) => {
        if (provider.synced) resolve();
        else provider.once('sync', (synced: boolean) => synced && resolve());
      }),
      10_000,
      `y-websocket sync of todos/${docId}`,
    );
  } catch (error) {
    close();
    throw error;
  }
  const map = ydoc.getMap<number>('data');
  return {
    write: (value) => {
      map.set('n', value);
    },
    listen: (listener) => {
      map.observe((event) => {
        if (event.keysChanged.has('n')) listener(map.get('n') as number);
      });
    },
    value: () => map.get('n'),
    close,
  };
};

/** Opens `count` clients on one document (in parallel) and waits until every one holds `initial`, written by the first. */
export async function openPeers(factory: PeerFactory, url: string, docId: string, count: number, initial: number): Promise<Peer[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => factory(url, docId)));
  const peers = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) {
    for (const peer of peers) peer.close();
    throw (failed as PromiseRejectedResult).reason;
  }
  (peers[0] as Peer).write(initial);
  const start = performance.now();
  while (!peers.every((peer) => peer.value() === initial)) {
    if (performance.now() - start > 10_000) {
      for (const peer of peers) peer.close();
      throw new Error(`clients of ${docId} did not all see the initial value within 10 s`);
    }
    await sleep(2);
  }
  return peers;
}
