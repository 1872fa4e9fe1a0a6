/**
 * One sync server in a process of its own, for sync.bench.ts, so that the
 * server and the benchmark's clients do not share an event loop.
 *
 *   node --expose-gc --import tsx bench/sync-server.child.ts yracer [sqlite file] [options]
 *   node --expose-gc --import tsx bench/sync-server.child.ts relay
 *   node --expose-gc --import tsx bench/sync-server.child.ts hocuspocus <sqlite file>
 *   node --expose-gc --import tsx bench/sync-server.child.ts sharedb
 *
 * `yracer`: yracer's server (`createServer`), on `sqliteStorage(file)` when a
 * file is given, else on `memoryStorage()`. `relay`: the plain y-websocket
 * relay, set up as @y/websocket-server's src/server.js does (an HTTP server,
 * a `ws` WebSocketServer with `noServer`, `setupWSConnection` for every
 * upgrade). Both use the project's `ws` (8.x) with permessage-deflate off, so
 * the comparison is about the sync servers, not the WebSocket library.
 * `hocuspocus` and `sharedb` (for peers.bench.ts): see peer-servers.ts.
 *
 * Options (yracer only): `--durability=process` (SQLite's durability
 * option; default `disk`); `--json-delay-ms=N` (the server's `jsonDelayMs`);
 * `--unload-delay-ms=N` (the server's idle delay
 * before a document leaves memory); `--populate=N` stores documents
 * `todos/d0` ... `todos/d<N-1>` (each `{ n: i }` in its `data` map, stored
 * through the public `Storage` API as a compacted state) before the server
 * starts, for the heap case.
 *
 * It prints one JSON line, `{ "port": ... }`, then answers each command line
 * on stdin with one JSON line on stdout (`Stats`):
 *   `stats`   the numbers below, at once;
 *   `settle`  waits (at most 10 s) until no connection is open, then runs gc;
 *   `heap`    runs gc a few times (letting finalizers run), then answers;
 *   `close`   closes the server and exits.
 */
import * as Y from 'yjs';
import { createServer, memoryStorage, sqliteStorage, type Storage } from 'yracer/server';
import { startHocuspocus, startSharedb, type Running } from './peer-servers.ts';
import { seedDocument } from './seed-storage.ts';
import { startRelay } from './y-websocket-relay.ts';
import { serveCommands } from './bench-child.ts';

/** What the child answers to every command. */
export interface Stats {
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Documents in memory (yracer: the server's rooms; relay: its `docs` map is not exported, so -1). */
  readonly rooms: number;
  /** `process.memoryUsage().heapUsed`, in bytes. */
  readonly heapUsed: number;
  /** `process.cpuUsage()` of this process so far, in µs. */
  readonly userUs: number;
  readonly systemUs: number;
  /** Set when a command failed. */
  readonly error?: string;
}

/** The first line the child prints. */
export interface Started {
  readonly port: number;
}

const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startRelayServer(): Promise<Running> {
  const relay = await startRelay();
  return { port: relay.port, connections: () => relay.wss.clients.size, rooms: () => -1, close: () => relay.close() };
}

/** Stores `todos/d<i>` = `{ n: i }` for i < count, as compacted states. */
async function populate(storage: Storage, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const doc = new Y.Doc();
    doc.getMap('data').set('n', i);
    // With its JSON, so the server's start has nothing to rebuild.
    await seedDocument(storage, { collection: 'todos', id: `d${i}` }, Y.encodeStateAsUpdate(doc), JSON.stringify({ n: i }));
    doc.destroy();
  }
}

async function startYracer(
  file: string | undefined,
  unloadDelayMs: number | undefined,
  count: number,
  durability: 'disk' | 'process',
  jsonDelayMs: number | undefined,
): Promise<Running> {
  const storage = file ? sqliteStorage(file, { durability }) : memoryStorage();
  await populate(storage, count);
  const server = createServer({
    storage,
    log: (level, message) => process.stderr.write(`yracer server (${level}): ${message}\n`),
    ...(unloadDelayMs === undefined ? {} : { unloadDelayMs }),
    ...(jsonDelayMs === undefined ? {} : { jsonDelayMs }),
  });
  const { port } = await server.listen({ port: 0 });
  return {
    port,
    connections: () => server.connectionCount,
    rooms: () => server.roomCount,
    close: () => server.close(),
  };
}

async function main(): Promise<void> {
  const [kind, ...rest] = process.argv.slice(2);
  const option = (name: string): number | undefined => {
    const found = rest.find((arg) => arg.startsWith(`--${name}=`));
    return found === undefined ? undefined : Number(found.slice(name.length + 3));
  };
  const file = rest.find((arg) => !arg.startsWith('--'));
  let running: Running;
  if (kind === 'relay') running = await startRelayServer();
  else if (kind === 'yracer') {
    running = await startYracer(file, option('unload-delay-ms'), option('populate') ?? 0, rest.includes('--durability=process') ? 'process' : 'disk', option('json-delay-ms'));
  } else if (kind === 'hocuspocus' && file) running = await startHocuspocus(file);
  else if (kind === 'sharedb') running = await startSharedb();
  else throw new Error(`usage: sync-server.child.ts yracer|relay|hocuspocus|sharedb [sqlite file] (got "${String(kind)}")`);

  const stats = (): Stats => {
    const cpu = process.cpuUsage();
    return { connections: running.connections(), rooms: running.rooms(), heapUsed: process.memoryUsage().heapUsed, userUs: cpu.user, systemUs: cpu.system };
  };
  const answer = (value: Stats | Started): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  answer({ port: running.port });

  // Commands are handled one at a time, in order.
  const handle = async (command: string): Promise<void> => {
    switch (command) {
      case 'stats':
        return answer(stats());
      case 'settle': {
        for (let waited = 0; running.connections() > 0 && waited < 10_000; waited += 5) await sleep(5);
        gc();
        return answer(stats());
      }
      case 'heap': {
        for (let i = 0; i < 4; i++) {
          gc();
          await sleep(20);
        }
        gc();
        return answer(stats());
      }
      case 'close':
        await running.close();
        process.exit(0);
        return;
      default:
        return answer({ ...stats(), error: `unknown command "${command}"` });
    }
  };
  // The parent going away (stdin closed) closes the server too: it does not linger.
  serveCommands(handle, (error) => answer({ ...stats(), error: String(error) }), () => running.close());
}

await main();
