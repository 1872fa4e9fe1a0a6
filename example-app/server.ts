/**
 * The todos example's server: an Express app serving the server-side
 * rendered page (GET /), the client build's files, and the yracer sync
 * server at /sync on the same HTTP server, storing documents in SQLite
 * (<dataDir>/yracer.db). The page renders from `req.model`, the request's
 * in-process model (`sync.modelMiddleware()`). The letters page
 * (GET /letters/<room>) is the same template without a render. `dev: true`
 * serves the app from source through Vite (HMR, same port).
 *
 * `npm start` / `npm run dev` (scripts/start.mjs) build what is needed and
 * call `main()`; after a build, `node --import tsx example-app/server.ts`
 * starts it directly. Environment: PORT (3000), HOST (localhost), DATA_DIR
 * (./data); DATABASE_URL (store in Postgres instead of SQLite), REDIS_URL
 * (share changes with other processes through Redis), WORKERS (run that
 * many processes on one port with node:cluster; needs both URLs).
 */
import cluster from 'node:cluster';
import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Model } from 'yracer';
import { createServer, postgresStorage, redisFanout, sqliteStorage } from 'yracer/server';
import { authenticate, rules } from './access.ts';
import { builtSource, devSource } from './page-source.ts';
import { renderPage } from './render-page.ts';
import { schema } from './src/schema.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types its request through this namespace
  namespace Express {
    interface Request {
      /** The request's in-process model, set by `sync.modelMiddleware()`. */
      model: Model;
    }
  }
}

export interface TodosServerOptions {
  /** Port (default 3000; 0 picks a free one). */
  readonly port?: number;
  /** Host to listen on (default `localhost`; `0.0.0.0` for other machines). */
  readonly host?: string;
  /** Where the SQLite file goes (default `./data`; created when missing). */
  readonly dataDir?: string;
  /** Store in this Postgres database instead of SQLite. */
  readonly databaseUrl?: string;
  /** Share changes with the other processes of the app through this Redis. */
  readonly redisUrl?: string;
  /** Serve from source through Vite's dev server (HMR) instead of the build. */
  readonly dev?: boolean;
  /** The Vite build's folder, holding client/ and server/ (default example-app/dist). */
  readonly distDir?: string;
}

export interface TodosServer {
  /** `http://localhost:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, stores what is pending, closes everything. */
  close(): Promise<void>;
}

/** Starts the example's server; resolves once it listens. */
export async function startTodosServer(options: TodosServerOptions = {}): Promise<TodosServer> {
  const dataDir = resolve(options.dataDir ?? 'data');
  mkdirSync(dataDir, { recursive: true });
  const app = express();
  app.disable('x-powered-by');
  const http = createHttpServer(app);
  const source = options.dev ? await devSource(http) : await builtSource(options.distDir);
  // Every query of the app compares listId: an index on it lets SQLite seek the list's todos.
  const indexes = { todos: [['listId']] };
  const storage = options.databaseUrl ? postgresStorage(options.databaseUrl, { indexes }) : sqliteStorage(join(dataDir, 'yracer.db'), { indexes });
  const fanout = options.redisUrl ? { fanout: redisFanout(options.redisUrl) } : {};
  // Only a todo's owner may delete it; every write is checked against the schema.
  // Version history (docs/history.md): a checkpoint after every change, the last 20 per todo.
  const history = { everyUpdates: 1, keep: 20 };
  const sync = createServer({ storage, ...fanout, path: '/sync', authenticate, rules, schema, history });
  sync.attach(http);

  // Prometheus metrics and health checks (docs/operations.md); a real deployment serves them on a port of its own.
  const admin = sync.adminHandler();
  app.get(['/metrics', '/healthz', '/readyz'], (request: Request, response: Response) => void admin(request, response));

  const page = (response: Response, html: string): void => {
    response.set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(html);
  };
  // The page renders for the request's session (its user cookie), from a fetch-only model closed with the response.
  app.get(['/', '/index.html'], sync.modelMiddleware(), async (request: Request, response: Response) => {
    const { template, entry } = await source.load(request.originalUrl);
    page(response, await renderPage(request.model, template, entry, request.originalUrl));
  });
  // The letters page (src/letters/) renders in the browser only: the template with empty placeholders.
  app.get(['/letters', '/letters/'], (_request: Request, response: Response) => response.redirect(302, '/letters/lobby'));
  app.get('/letters/:room', async (request: Request, response: Response) => {
    const { template } = await source.load(request.originalUrl);
    page(response, template.replace('<!--app-html-->', '').replace('<!--app-bundle-->', ''));
  });
  app.get('/sw.js', async (_request: Request, response: Response, next: NextFunction) => {
    const worker = await source.serviceWorker();
    if (worker === null) return next();
    response.set({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }).send(worker);
  });
  app.use(async (request: Request, response: Response, next: NextFunction) => {
    if (!(await source.serve(request, response))) next();
  });
  app.use((_request: Request, response: Response) => {
    response.status(404).type('text/plain').send('Not found\n');
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    source.fixError(error);
    const status = (error as { status?: unknown }).status === 401 ? 401 : 500;
    if (status === 500) console.error('todos example:', error);
    if (response.headersSent) return void response.end();
    response.status(status).type('text/plain').send(status === 401 ? 'Unauthorized\n' : 'Internal server error\n');
  });

  const wanted = options.port ?? 3000;
  try {
    await new Promise<void>((done, fail) => {
      http.once('error', fail);
      http.listen(wanted, options.host ?? 'localhost', () => done());
    });
  } catch (error) {
    await sync.close();
    await source.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(`todos example: port ${wanted} is in use (set PORT to use another one)`, { cause: error });
  }
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((done) => http.close(() => done()));
    await sync.close(); // closes sockets ("going away"), stores what is pending, closes SQLite
    await source.close();
    http.closeAllConnections();
    await stopped;
  };
  return { url: `http://localhost:${port}`, port, close: () => (closing ??= close()) };
}

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`todos example: PORT must be a port number, got "${value}"`);
  return port;
}

/**
 * The command line: starts the server from the environment and closes it on
 * SIGINT/SIGTERM. Signals are handled from the start: one that comes while
 * the server starts closes it as soon as it is up (what it opened), then
 * exits 0; a second signal exits 1 at once.
 */
export async function main(options: { dev?: boolean; distDir?: string } = {}): Promise<void> {
  const workers = Number(process.env['WORKERS'] || 1);
  const databaseUrl = process.env['DATABASE_URL'] || undefined;
  const redisUrl = process.env['REDIS_URL'] || undefined;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`todos example: WORKERS must be a positive number, got "${process.env['WORKERS']}"`);
  if (workers > 1 && (!databaseUrl || !redisUrl)) throw new Error('todos example: WORKERS needs DATABASE_URL and REDIS_URL (the processes share storage and changes)');
  if (workers > 1 && cluster.isPrimary) return superviseWorkers(workers);
  let starting: Promise<TodosServer> | null = null;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.log(`todos example: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`todos example: ${signal}, closing`);
    // A start that fails closes what it opened itself (and `main` rejects): nothing is left to close.
    const started = starting ?? Promise.reject(new Error('not started'));
    started.then(
      (server) =>
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error('todos example: closing failed:', error);
            process.exit(1);
          },
        ),
      () => process.exit(0),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  starting = startTodosServer({
    ...options,
    port: portFromEnv(process.env['PORT']),
    host: process.env['HOST'] || 'localhost',
    dataDir: process.env['DATA_DIR'] || 'data',
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(redisUrl ? { redisUrl } : {}),
  });
  const server = await starting;
  if (!stopping) console.log(`todos example${options.dev ? ' (dev)' : ''}: ${server.url}${cluster.isWorker ? ` (worker ${process.pid})` : ''}`);
}

/** The primary of WORKERS processes: forks them, passes SIGINT/SIGTERM on, exits once all closed. */
function superviseWorkers(count: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      console.error(`todos example: worker ${worker.process.pid} exited (${code}); stopping the others`);
      stop('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(code === 0 ? 0 : 1);
  });
  for (let i = 0; i < count; i++) cluster.fork();
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main({ dev: process.argv.includes('--dev') });
}
