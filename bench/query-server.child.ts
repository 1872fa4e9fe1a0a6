/**
 * One yracer server in a process of its own, for the live-query case of
 * query.bench.ts (query-live.ts drives it), so that the server and the
 * benchmark's clients do not share an event loop.
 *
 *   node --expose-gc --import tsx bench/query-server.child.ts <sqlite file> --todos=N --lists=M [--index=a,b;c] [--query-delay-ms=N]
 *
 * Before the server starts it stores todos `t0` ... `t<N-1>` (query-data.ts's
 * `todo(i, M)`) through the public `Storage` API: each document's Yjs state
 * as a compacted state and its JSON value (`seedDocument`).
 * `--index` declares `sqliteStorage`'s `indexes` for the collection `todos`
 * (fields separated by `,`, indexes by `;`; none by default).
 *
 * It prints one JSON line, `{ "port": ... }`, then answers each command line
 * on stdin with one JSON line on stdout (`ServerFigures`):
 *   `cpu`     the process's CPU time, the server's counts and its event loop's
 *             delay since the previous command, at once;
 *   `close`   closes the server (storing what is pending) and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServer, sqliteStorage, type Storage } from 'yracer/server';
import { seedDocument } from './seed-storage.ts';
import { documentState, todo } from './query-data.ts';
import { serveCommands } from './bench-child.ts';

/** What the child answers to every command. */
export interface ServerFigures {
  /** `process.cpuUsage()`: user and system CPU time of the server's process, in µs. */
  readonly userUs: number;
  readonly systemUs: number;
  readonly connections: number;
  readonly rooms: number;
  /** The event loop's delay (how late a 1 ms timer fired) since the previous command: p99 and max, in ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** Set when a command failed. */
  readonly error?: string;
}

/** The first line the child prints. */
export interface Started {
  readonly port: number;
}

async function populate(storage: Storage, count: number, lists: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const value = todo(i, lists);
    const key = { collection: 'todos', id: value.id };
    await seedDocument(storage, key, documentState({ ...value }), JSON.stringify(value));
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const file = args.find((arg) => !arg.startsWith('--'));
  if (!file) throw new Error('usage: query-server.child.ts <sqlite file> --todos=N --lists=M [--index=a,b;c] [--query-delay-ms=N]');
  const index = option('index');
  const indexes = index ? { todos: index.split(';').map((fields) => fields.split(',')) } : {};
  const storage = sqliteStorage(file, { indexes });
  await populate(storage, Number(option('todos') ?? 0), Number(option('lists') ?? 1));
  const delay = option('query-delay-ms');
  const server = createServer({
    storage,
    log: (level, message) => process.stderr.write(`yracer server (${level}): ${message}\n`),
    ...(delay === undefined ? {} : { queryDelayMs: Number(delay) }),
  });
  const { port } = await server.listen({ port: 0 });

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const figures = (): ServerFigures => {
    const cpu = process.cpuUsage();
    const delay = { loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 };
    loopDelay.reset();
    return { userUs: cpu.user, systemUs: cpu.system, connections: server.connectionCount, rooms: server.roomCount, ...delay };
  };
  const answer = (value: ServerFigures | Started): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  answer({ port });

  const handle = async (command: string): Promise<void> => {
    switch (command) {
      case 'cpu':
        return answer(figures());
      case 'close':
        await server.close();
        process.exit(0);
        return;
      default:
        return answer({ ...figures(), error: `unknown command "${command}"` });
    }
  };
  // The parent going away (stdin closed) closes the server too: it does not linger.
  serveCommands(handle, (error) => answer({ ...figures(), error: String(error) }), () => server.close());
}

await main();
