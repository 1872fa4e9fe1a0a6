/**
 * The `yracer` command line.
 *
 *   yracer serve [--port 8080] [--host 127.0.0.1] [--db ./data/yracer.db] [--durability disk|process]
 *                [--postgres URL] [--postgres-schema public] [--redis URL] [--workers N] [--admin-port N]
 *                [--config ./yracer.config.mjs]
 *   yracer export [--db ./data/yracer.db | --postgres URL] > backup.ndjson   (cli-transfer.ts)
 *   yracer import [--db ./data/yracer.db | --postgres URL] < backup.ndjson
 *   yracer migrate --config ./yracer.config.mjs [--db ./data/yracer.db | --postgres URL]   (cli-migrate.ts)
 *
 * Starts a sync server on SQLite (or on Postgres with `--postgres`, sharing
 * changes with other processes through Redis with `--redis`), prints the URL
 * it listens on, and shuts
 * down gracefully on SIGINT/SIGTERM: from the first moment of start-up on
 * (bin/yracer.mjs handles signals while the package loads, `main` before it
 * opens anything), a signal closes what is open (the server, its sockets,
 * SQLite, after storing what is pending) and exits 0; a second signal
 * exits 1 at once. `--workers N` (needs `--postgres` and `--redis`) forks N
 * server processes on one port with `node:cluster` (cli-workers.ts), so one
 * machine's cores are used. `--admin-port N` serves `server.adminHandler()`
 * (/metrics, /healthz, /readyz) and the HTTP API (`server.httpHandler()`,
 * under /api, docs/http.md) on a port of its own, on the same host.
 * `--config <file>` takes the other server options (`authenticate`,
 * `rules`, `schema`, ...) from a module's default export (cli-config.ts).
 */
import { createServer as createHttpServer } from 'node:http';
import { parseArgs } from 'node:util';
import cluster from 'node:cluster';
import { sqliteStorage } from '../storage/sqlite-storage.ts';
import type { Storage } from '../storage/storage.ts';
import type { Fanout } from '../fanout/fanout.ts';
import { ConfigError, loadConfig, type ServerConfig } from './cli-config.ts';
import { runMigrate } from './cli-migrate.ts';
import { runTransfer } from './cli-transfer.ts';
import { runWorkers } from './cli-workers.ts';
import { createServer } from './create-server.ts';
import type { SyncServer } from './sync-server.ts';

const USAGE =
  'usage: yracer serve [--port 8080] [--host 127.0.0.1] [--db ./data/yracer.db] [--durability disk|process] [--postgres URL] [--postgres-schema public] [--redis URL] [--workers N] [--admin-port N] [--config ./yracer.config.mjs]\n       yracer export|import [--db ./data/yracer.db | --postgres URL [--postgres-schema public]]  (NDJSON on stdout / stdin)\n       yracer migrate --config ./yracer.config.mjs [--db ./data/yracer.db | --postgres URL [--postgres-schema public]]';

/**
 * Closes `server()` (what is open so far, null before anything is) on the
 * first SIGINT/SIGTERM, then calls `exit(0)` (`exit(1)` when closing
 * failed); a second signal calls `exit(1)` at once. Installed before `serve`
 * opens anything, so no moment of start-up ignores a signal. `closing` says
 * whether a signal came.
 */
function closeOnSignals(server: () => SyncServer | null, exit: (code: number) => void): { readonly closing: boolean } {
  let closing = false;
  const finish = (code: number): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    exit(code);
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (closing) {
      console.error(`yracer: ${signal} again, exiting without waiting`);
      return finish(1);
    }
    closing = true;
    console.log(`yracer: ${signal}, closing`);
    Promise.resolve(server()?.close()).then(
      () => finish(0),
      (error: unknown) => {
        console.error(`yracer: closing failed (${error instanceof Error ? error.message : String(error)})`);
        finish(1);
      },
    );
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get closing() {
      return closing;
    },
  };
}

/** Serves the server's admin endpoints and its HTTP API (under `/api`) on `port` of `host`; resolves to their base URL. */
async function listenAdmin(server: SyncServer, port: number, host: string): Promise<string> {
  const api = server.httpHandler({ prefix: '/api' });
  const admin = server.adminHandler();
  const http = createHttpServer((request, response) => api(request, response, () => admin(request, response)));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  // It answers until the process exits (readyz says 503 while the server closes).
  http.unref();
  const address = http.address();
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown}:${typeof address === 'object' && address ? address.port : 0}`;
}

/**
 * Runs the CLI with the given arguments (without `node` and the script).
 * Resolves with the exit code, or -1 while `serve` runs (it calls `exit`
 * once a signal closed it).
 */
export async function main(argv: readonly string[], exit: (code: number) => void = (code) => process.exit(code)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        db: { type: 'string', default: './data/yracer.db' },
        durability: { type: 'string', default: 'disk' },
        postgres: { type: 'string' },
        'postgres-schema': { type: 'string', default: 'public' },
        redis: { type: 'string' },
        workers: { type: 'string', default: '1' },
        'admin-port': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`yracer: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const store = { db: values.db, postgres: values.postgres, postgresSchema: values['postgres-schema'] };
  if ((positionals[0] === 'export' || positionals[0] === 'import') && positionals.length === 1) {
    return runTransfer(positionals[0], store);
  }
  if (positionals[0] === 'migrate' && positionals.length === 1) {
    if (values.config === undefined) {
      console.error('yracer: migrate needs --config (a module whose default export has the schema with its versions)');
      return 2;
    }
    const config = await configOrExit(values.config);
    return config === null ? 2 : runMigrate(config, store);
  }
  if (positionals[0] !== 'serve' || positionals.length !== 1) {
    console.error(`yracer: unknown command "${positionals.join(' ')}"\n${USAGE}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`yracer: --port must be a number from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    console.error(`yracer: --workers must be a number from 1 to 256, got "${values.workers}"`);
    return 2;
  }
  const adminPort = values['admin-port'] === undefined ? null : Number(values['admin-port']);
  if (adminPort !== null && (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535)) {
    console.error(`yracer: --admin-port must be a number from 0 to 65535, got "${values['admin-port']}"`);
    return 2;
  }
  if (adminPort !== null && workers > 1) {
    console.error('yracer: --admin-port serves one process\'s metrics; it does not go with --workers');
    return 2;
  }
  const durability = values.durability;
  if (durability !== 'disk' && durability !== 'process') {
    console.error(`yracer: --durability must be disk (acknowledged writes survive a power loss) or process (a crash of the process), got "${durability}"`);
    return 2;
  }
  if (workers > 1 && (values.postgres === undefined || values.redis === undefined)) {
    console.error('yracer: --workers needs --postgres and --redis (the processes share storage and changes)');
    return 2;
  }
  if (workers > 1 && cluster.isPrimary) {
    // Checked once here, so a bad config is not found (and retried) by every worker.
    if (values.config !== undefined && (await configOrExit(values.config)) === null) return 2;
    return runWorkers(workers, port, values.host, exit);
  }
  let server: SyncServer | null = null;
  const signals = closeOnSignals(() => server, exit);
  const config = values.config === undefined ? {} : await configOrExit(values.config);
  if (config === null) return 2;
  if (signals.closing) return -1; // a signal came while the config loaded: the handler exits
  // Loaded only when asked for, so the SQLite default needs neither driver.
  const storage: Storage =
    values.postgres === undefined
      ? sqliteStorage(values.db, { durability })
      : (await import('../storage/postgres-storage.ts')).postgresStorage(values.postgres, { schema: values['postgres-schema'] });
  const fanout: Fanout | undefined = values.redis === undefined ? undefined : (await import('../fanout/redis-fanout.ts')).redisFanout(values.redis);
  server = createServer({ ...config, storage, ...(fanout ? { fanout } : {}) });
  let url: string;
  let adminUrl: string | null = null;
  try {
    ({ url } = await server.listen({ port, host: values.host }));
    if (adminPort !== null) adminUrl = await listenAdmin(server, adminPort, values.host);
  } catch (error) {
    if (signals.closing) return -1; // closed while it started: the signal handler exits
    throw error;
  }
  const where = `${values.postgres === undefined ? `SQLite: ${values.db}${durability === 'process' ? ', durability: process' : ''}` : `Postgres${fanout ? ', Redis fan-out' : ''}`}${values.config === undefined ? '' : `, config: ${values.config}`}`;
  if (!signals.closing) console.log(`yracer listening on ${url} (${where}${cluster.isWorker ? `, worker ${process.pid}` : ''})`);
  if (!signals.closing && adminUrl) console.log(`yracer admin on ${adminUrl} (/metrics, /healthz, /readyz, /api)`);
  return -1;
}

/** Loads the config module, or prints why it cannot be used and returns null (the command exits 2). */
async function configOrExit(file: string): Promise<ServerConfig | null> {
  try {
    return await loadConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`yracer: ${error.message}`);
    return null;
  }
}
