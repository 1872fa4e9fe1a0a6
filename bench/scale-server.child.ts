/**
 * One yracer server for scale.bench.ts, in a process of its own, or a
 * `node:cluster` of them on one port (the way `yracer serve --workers N`
 * runs, src/server/cli-workers.ts; the CLI has no schema option, and
 * `postgresStorage` qualifies its tables with the schema, so a search_path
 * in the URL would not isolate a run).
 *
 *   node --import tsx bench/scale-server.child.ts --storage=sqlite:<file>|postgres:<url>
 *        [--schema=S] [--app=NAME] [--redis=URL --prefix=P] [--workers=N]
 *        [--todos=N --lists=M] [--json-delay-ms=N]
 *
 * Postgres: `postgresStorage` in schema S, pool of POOL_SIZE connections
 * that never idle out (so its backends can be found by `application_name`
 * NAME for the CPU figures). `--redis`: a `redisFanout` with channel prefix P.
 * `--workers=N` (N > 1): the primary forks N workers, each a server on the
 * same port (round-robin). `--todos`: before anything listens, stores todos
 * (query-data.ts) through the public Storage API, with the index
 * `listId, createdAt` for the live queries.
 *
 * Every connection's URL may carry `?c=<name>`: the server records it
 * (`authenticate`), so the benchmark learns which process each client
 * reached. Prints `{ "port": ... }`, then answers each stdin line with one
 * JSON line (`GroupFigures`): `cpu` (each process's CPU time and counts),
 * `clients` (also the client names each process saw), `settle` (waits up to
 * 10 s until no connection is open), `close`.
 */
import cluster from 'node:cluster';
import { createServer, postgresStorage, redisFanout, sqliteStorage, type Storage } from 'yracer/server';
import { serveCommands } from './bench-child.ts';
import { documentState, todo } from './query-data.ts';

/** Connections of one server process's pool. */
const POOL_SIZE = 5;

/** One process's figures. */
export interface ProcessFigures {
  readonly pid: number;
  readonly role: 'server' | 'primary' | 'worker';
  /** `process.cpuUsage()` of the process, in µs. */
  readonly userUs: number;
  readonly systemUs: number;
  readonly connections: number;
  readonly rooms: number;
  /** The `c` names of the connections it accepted (`clients` only). */
  readonly clients?: readonly string[];
}

/** What the child answers to every command. */
export interface GroupFigures {
  readonly processes: readonly ProcessFigures[];
  readonly error?: string;
}

/** The first line the child prints. */
export interface Started {
  readonly port: number;
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function openStorage(): Storage {
  const spec = option('storage') ?? '';
  if (spec.startsWith('sqlite:')) return sqliteStorage(spec.slice('sqlite:'.length));
  if (!spec.startsWith('postgres:')) throw new Error('usage: scale-server.child.ts --storage=sqlite:<file>|postgres:<url> ...');
  const schema = option('schema') ?? 'public';
  const config = { connectionString: spec.slice('postgres:'.length), application_name: option('app') ?? 'yracer-bench', idleTimeoutMillis: 0 };
  return postgresStorage(config, { schema, poolSize: POOL_SIZE, indexes: { todos: [['listId', 'createdAt']] } });
}

/** Stores todos t0 ... t<N-1> at version 1 with their JSON values (group-committed: a few transactions). */
async function populate(storage: Storage): Promise<void> {
  const count = Number(option('todos') ?? 0);
  const lists = Number(option('lists') ?? 1);
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const value = todo(i, lists);
      const key = { collection: 'todos', id: value.id };
      const version = await storage.append(key, [documentState({ ...value })]);
      await storage.saveJson(key, JSON.stringify(value), version);
    }),
  );
}

interface Local {
  figures(withClients: boolean): ProcessFigures;
  close(): Promise<void>;
}

/** A server in this process (a whole server, or one cluster worker). */
async function startServer(role: 'server' | 'worker'): Promise<Local & { readonly port: number }> {
  const storage = openStorage();
  const redis = option('redis');
  const log = (level: string, message: string): void => {
    if (level === 'info' || message.startsWith('no rules given')) return;
    process.stderr.write(`yracer ${role} ${process.pid} (${level}): ${message}\n`);
  };
  const fanout = redis ? redisFanout({ url: redis, channelPrefix: option('prefix') ?? 'yracer-bench:', log }) : undefined;
  const seen = new Set<string>();
  const jsonDelay = option('json-delay-ms');
  const server = createServer({
    storage,
    ...(fanout ? { fanout } : {}),
    log,
    ...(jsonDelay === undefined ? {} : { jsonDelayMs: Number(jsonDelay) }),
    authenticate: (request) => {
      const name = new URL(request.url ?? '/', 'http://localhost').searchParams.get('c');
      if (name) seen.add(name);
      return {};
    },
  });
  const { port } = await server.listen({ port: 0 });
  return {
    port,
    figures: (withClients) => {
      const cpu = process.cpuUsage();
      const base = { pid: process.pid, role, userUs: cpu.user, systemUs: cpu.system, connections: server.connectionCount, rooms: server.roomCount };
      return withClients ? { ...base, clients: [...seen] } : base;
    },
    close: () => server.close(),
  };
}

type Request = { readonly id: number; readonly command: 'figures' | 'clients' | 'close' };
type Reply = { readonly id: number; readonly figures?: ProcessFigures };

/** A cluster worker: a server answering the primary's requests over IPC. */
async function worker(): Promise<void> {
  const local = await startServer('worker');
  const close = async (): Promise<void> => {
    await local.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (request: Request) => {
    if (request.command === 'close') return void close();
    const reply: Reply = { id: request.id, figures: local.figures(request.command === 'clients') };
    process.send?.(reply);
  });
  process.once('disconnect', () => void close());
}

/** The primary of `count` workers: it populates, forks, and asks every worker for its figures. */
async function primary(count: number): Promise<{ port: number; group: Group }> {
  const storage = openStorage();
  await populate(storage);
  await storage.close();
  // Workers must not read the commands nor write on the benchmark's stdout.
  cluster.setupPrimary({ stdio: ['ignore', 2, 2, 'ipc'] });
  const workers = Array.from({ length: count }, () => cluster.fork());
  const listening = await Promise.all(workers.map((w) => new Promise<number>((resolve) => w.once('listening', (address) => resolve(address.port)))));
  let next = 0;
  const ask = (w: (typeof workers)[number], command: Request['command']): Promise<ProcessFigures> =>
    new Promise((resolve, reject) => {
      const id = (next += 1);
      const timer = setTimeout(() => reject(new Error(`worker ${w.process.pid} did not answer ${command}`)), 10_000);
      const onMessage = (reply: Reply): void => {
        if (reply.id !== id || !reply.figures) return;
        clearTimeout(timer);
        w.off('message', onMessage);
        resolve(reply.figures);
      };
      w.on('message', onMessage);
      w.send({ id, command } satisfies Request);
    });
  const group: Group = {
    figures: async (withClients) => {
      const own = process.cpuUsage();
      const self: ProcessFigures = { pid: process.pid, role: 'primary', userUs: own.user, systemUs: own.system, connections: 0, rooms: 0 };
      return [self, ...(await Promise.all(workers.map((w) => ask(w, withClients ? 'clients' : 'figures'))))];
    },
    close: async () => {
      const exited = workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
      for (const w of workers) if (!w.isDead()) w.send({ id: 0, command: 'close' } satisfies Request);
      const timer = setTimeout(() => workers.forEach((w) => w.process.kill('SIGKILL')), 10_000);
      await Promise.all(exited);
      clearTimeout(timer);
    },
  };
  return { port: listening[0] as number, group };
}

interface Group {
  figures(withClients: boolean): Promise<ProcessFigures[]>;
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const count = Number(option('workers') ?? 1);
  let started: { port: number; group: Group };
  if (count > 1) {
    started = await primary(count);
  } else {
    const storage = openStorage();
    await populate(storage);
    await storage.close();
    const local = await startServer('server');
    started = { port: local.port, group: { figures: async (withClients) => [local.figures(withClients)], close: () => local.close() } };
  }
  const { port, group } = started;
  const answer = (value: GroupFigures | Started): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  answer({ port });
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => (closed ??= group.close());
  const handle = async (command: string): Promise<void> => {
    switch (command) {
      case 'cpu':
      case 'clients':
        return answer({ processes: await group.figures(command === 'clients') });
      case 'settle': {
        const open = async (): Promise<number> => (await group.figures(false)).reduce((sum, p) => sum + p.connections, 0);
        for (let waited = 0; (await open()) > 0 && waited < 10_000; waited += 20) await sleep(20);
        return answer({ processes: await group.figures(false) });
      }
      case 'close':
        await close();
        process.exit(0);
        return;
      default:
        return answer({ processes: [], error: `unknown command "${command}"` });
    }
  };
  // The parent going away (stdin closed) closes the servers too: nothing lingers.
  serveCommands(handle, (error) => answer({ processes: [], error: String(error) }), close);
}

if (cluster.isWorker) await worker();
else await main();
