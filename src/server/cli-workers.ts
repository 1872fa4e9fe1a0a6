/**
 * `yracer serve --workers N`: the primary process of a `node:cluster`. It
 * forks N workers that each run `yracer serve` on the same port (the
 * cluster shares the listening socket, handing connections out in turn),
 * prints one line when all listen, starts a new worker when one dies
 * unexpectedly (giving up after 3 per worker within a minute), and on SIGINT/SIGTERM passes the signal on and exits once
 * every worker closed (0 when all closed cleanly).
 */
import cluster, { type Worker } from 'node:cluster';

/** How long a worker may take to start before the primary gives up, in ms. */
const START_TIMEOUT_MS = 30_000;

/**
 * Forks `count` workers (each runs the same command line) and supervises
 * them; resolves with -1 once they listen (the primary then runs until a
 * signal, and calls `exit`), or with 1 when they could not start.
 */
export async function runWorkers(count: number, port: number, host: string, exit: (code: number) => void): Promise<number> {
  let stopping = false;
  let failed = false;
  const workers = new Set<Worker>();
  let restarts: number[] = [];
  const fork = (): Worker => {
    const worker = cluster.fork();
    workers.add(worker);
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        if (workers.size === 0) exit(failed ? 1 : 0);
        return;
      }
      restarts = restarts.filter((at) => at > Date.now() - 60_000);
      if (restarts.length >= count * 3) {
        console.error(`yracer: worker ${worker.process.pid} exited (${signal ?? code}); too many restarts within a minute, giving up`);
        onSignal('SIGTERM');
        return;
      }
      restarts.push(Date.now());
      console.error(`yracer: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      fork();
    });
    return worker;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`yracer: ${signal} again, exiting without waiting`);
      for (const worker of workers) worker.process.kill('SIGKILL');
      exit(1);
      return;
    }
    stopping = true;
    console.log(`yracer: ${signal}, closing ${workers.size} workers`);
    if (workers.size === 0) exit(0);
    for (const worker of workers) worker.process.kill(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = [...Array(count)].map(() => fork());
  const listening = await Promise.race([
    Promise.all(started.map((worker) => new Promise<{ port: number }>((resolve) => worker.once('listening', (address) => resolve(address))))),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), START_TIMEOUT_MS).unref()),
  ]);
  if (!listening) {
    console.error(`yracer: the workers did not start within ${START_TIMEOUT_MS / 1000} s`);
    stopping = true;
    for (const worker of workers) worker.process.kill('SIGKILL');
    return 1;
  }
  const actual = listening[0]?.port ?? port;
  if (!stopping) console.log(`yracer listening on ws://${host}:${actual}/ (${count} workers, Postgres, Redis fan-out)`);
  return -1;
}
