/**
 * Server processes on Postgres and Redis behind a round-robin TCP proxy, for
 * the multi-process tests: each process is `test/helpers/cluster-server.ts`
 * in a child process; the test kills or stops them as it likes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { within, type Resources } from './server-fixtures.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/** One server process. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** What it printed to stderr (warnings and errors). */
  readonly errors: () => string;
  /** True once it exited. */
  readonly dead: () => boolean;
}

/** Where the processes store and fan out. */
export interface ProcessClusterOptions {
  readonly postgresUrl: string;
  readonly schema: string;
  /** The Redis URL the processes use (a proxy's, to cut it). */
  readonly redisUrl: string;
  readonly channelPrefix: string;
  readonly jsonDelayMs?: number;
}

/** Starts one server process and waits until it listens. */
export async function startServerProcess(resources: Resources, options: ProcessClusterOptions): Promise<ServerProcess> {
  const args = ['--import', 'tsx', 'test/helpers/cluster-server.ts', options.postgresUrl, options.schema, options.redisUrl, options.channelPrefix];
  if (options.jsonDelayMs !== undefined) args.push(String(options.jsonDelayMs));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  child.on('exit', () => (exited = true));
  resources.defer(() => {
    if (!exited) child.kill('SIGKILL');
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const port = await within(
    new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`a server process exited (${code}) before listening:\n${errors}`)));
    }),
    30_000,
    'a server process to listen',
  );
  return { child, port, errors: () => errors, dead: () => exited };
}

/** A started cluster of processes behind a proxy. */
export interface ProcessCluster {
  readonly processes: ServerProcess[];
  readonly proxy: TcpProxy;
}

/** Starts `count` processes and a proxy in front of the live ones. */
export async function startProcessCluster(resources: Resources, count: number, options: ProcessClusterOptions): Promise<ProcessCluster> {
  const processes = await Promise.all([...Array(count)].map(() => startServerProcess(resources, options)));
  const proxy = await startTcpProxy(() => processes.filter((p) => !p.dead()).map((p) => p.port));
  resources.defer(() => proxy.close());
  return { processes, proxy };
}
