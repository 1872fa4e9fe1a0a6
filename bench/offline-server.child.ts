/**
 * One sync server in a process of its own, for offline.bench.ts:
 *
 *   node --import tsx bench/offline-server.child.ts yracer
 *   node --import tsx bench/offline-server.child.ts relay
 *
 * `yracer`: yracer's server (`createServer` on `memoryStorage()`), imported
 * from src/ (the browser pages of offline.bench.ts are built from src/ too,
 * so client and server are the same version even while dist/ is stale).
 * `relay`: the plain y-websocket relay, set up as @y/websocket-server's
 * src/server.js does (as in sync-server.child.ts), no persistence.
 *
 * Before it starts answering it warms its server up (`warmUp`). It prints
 * one JSON line, `{ "port": ... }`, then answers each command line
 * on stdin with one JSON line on stdout:
 *   `watch <room> <count>`  answers `{ "done": true }` once the server's
 *       copy of the document holds `k0 = 0` ... `k<count-1> = count - 1` in
 *       its root map `data`, as seen by a stock y-websocket client
 *       (`WebsocketProvider`, y-websocket 3.1.0, over `ws`) that this
 *       process connects to its own server, on the room `<room>` (yracer:
 *       `<collection>/<id>`, its stock endpoint; relay: any name). The same
 *       watcher for both servers: a second client that sees the server's
 *       copy, one loopback hop away; it costs the server what any other
 *       subscriber costs. The answer is written as soon as the watcher saw
 *       the last edit. The watcher stays connected from the command on
 *       (send it before the client connects); later `watch` commands close
 *       the earlier watcher.
 *   `close`  closes the server and exits.
 */
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createServer, memoryStorage } from '../src/server/index.ts';
import { startRelay } from './y-websocket-relay.ts';

/** The first line the child prints. */
export interface OfflineServerStarted {
  readonly port: number;
}

/** The answer to a command. */
export interface OfflineServerAnswer {
  readonly done?: boolean;
  readonly error?: string;
}

interface Running {
  readonly port: number;
  close(): Promise<void>;
}

/** A stock y-websocket client of the server on `room`, resolving once its map `data` holds k0..k<count-1>. */
class Watcher {
  readonly #doc = new Y.Doc();
  readonly #provider: WebsocketProvider;
  readonly done: Promise<void>;

  constructor(port: number, room: string, count: number) {
    this.#provider = new WebsocketProvider(`ws://127.0.0.1:${port}`, room, this.#doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    const map = this.#doc.getMap('data');
    this.done = new Promise((resolve) => {
      const check = (): void => {
        if (!complete((key) => map.get(key), count)) return;
        map.unobserve(check);
        resolve();
      };
      map.observe(check);
    });
  }

  close(): void {
    this.#provider.destroy();
    this.#doc.destroy();
  }
}

/** True when `read(key)` gives every `k<i> = i`, i < count (cheap test of the last key first). */
function complete(read: (key: string) => unknown, count: number): boolean {
  if (read(`k${count - 1}`) !== count - 1) return false;
  for (let i = 0; i < count; i++) if (read(`k${i}`) !== i) return false;
  return true;
}

async function startRelayServer(): Promise<Running> {
  const relay = await startRelay();
  return { port: relay.port, close: () => relay.close() };
}

async function startYracer(): Promise<Running> {
  const server = createServer({
    storage: memoryStorage(),
    log: (level, message) => process.stderr.write(`yracer server (${level}): ${message}\n`),
  });
  const { port } = await server.listen({ port: 0 });
  return {
    port,
    close: () => server.close(),
  };
}

/**
 * Warms the server's code up (a fresh process runs its first large updates
 * through cold code, several times slower): `rounds` times, a stock client
 * makes 1,000 edits `k<i> = i` before connecting, then connects, until a
 * watcher sees them all. The same traffic for both servers.
 */
async function warmUp(port: number, kind: 'yracer' | 'relay', rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const room = kind === 'yracer' ? `warm/w${round}` : `warm-w${round}`;
    const watcher = new Watcher(port, room, WARM_EDITS);
    const doc = new Y.Doc();
    const map = doc.getMap('data');
    for (let i = 0; i < WARM_EDITS; i++) map.set(`k${i}`, i);
    const writer = new WebsocketProvider(`ws://127.0.0.1:${port}`, room, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([watcher.done, new Promise((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`warm-up round ${round} timed out`)), 20_000)))]);
    } finally {
      clearTimeout(timer);
      writer.destroy();
      watcher.close();
      doc.destroy();
    }
  }
}

const WARM_EDITS = 1000;
const WARM_ROUNDS = 10;

async function main(): Promise<void> {
  const kind = process.argv[2];
  let running: Running;
  if (kind === 'relay') running = await startRelayServer();
  else if (kind === 'yracer') running = await startYracer();
  else throw new Error(`usage: offline-server.child.ts yracer|relay (got "${String(kind)}")`);
  await warmUp(running.port, kind, WARM_ROUNDS);
  const answer = (value: OfflineServerStarted | OfflineServerAnswer): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  answer({ port: running.port });

  let watcher: Watcher | null = null;
  const close = (): void => {
    watcher?.close();
    void running.close().finally(() => process.exit(0));
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, room, count] = line.trim().split(' ');
    if (command === 'watch' && room !== undefined && Number(count) > 0) {
      watcher?.close();
      const current = new Watcher(running.port, room, Number(count));
      watcher = current;
      void current.done.then(() => {
        answer({ done: true });
        current.close();
      });
    } else if (command === 'close') {
      close();
    } else {
      answer({ error: `unknown command "${line}"` });
    }
  });
  // The parent went away: do not linger.
  lines.on('close', close);
}

await main();
