/**
 * Offline benchmarks, in headless Chromium (Debian's /usr/bin/chromium driven
 * by playwright-core; without it this file prints one skip line and returns
 * no rows).
 *
 * The pages (bench/offline-pages/) are built with Vite (production mode,
 * React, yracer imported from src/ so the pages and the server child are the
 * same version even while dist/ is stale) into a temp dir and served by a
 * small node:http static server on 127.0.0.1 as a deployed Vite app is
 * (hashed assets cached for good, the HTML revalidated); each variant has an
 * origin of its own (its own port), so their IndexedDB data stay apart. One
 * persistent Chromium profile (a temp dir) keeps IndexedDB (and the HTTP
 * cache) across page loads. Every page load opens a new tab and closes it
 * afterwards. Servers run in child processes (offline-server.child.ts), each
 * warmed up first.
 *
 * 1. Cold start offline, 1,000 cached documents. Seeding, once: yracer's page
 *    runs online against a yracer server, creates `items.i0000` ...
 *    `items.i0999` (`{ title, done, n }`), waits for `whenNothingPending()`,
 *    subscribes the query `items {}` until the server answered (its result
 *    is stored), then flushes and closes the store; y-indexeddb's page writes
 *    the same fields into 1,000 databases (one Y.Doc + `IndexeddbPersistence`
 *    each) and closes them. Measured, per page load: from navigation start
 *    (`performance.now()` in the page) to React's first commit of the list
 *    with all 1,000 rows (a layout effect; before paint). yracer:
 *    `createModel({ url: <a closed port>, offline: indexedDbStore() })`,
 *    `<SyncProvider>`, `useQuery('items', {})`. y-indexeddb: 1,000 Y.Docs +
 *    `IndexeddbPersistence` created at once, `Promise.all(whenSynced)`, then
 *    `setState` of every map's `toJSON()`; that page is handed the 1,000 ids.
 *    Loads alternate (yracer, y-indexeddb, ...): one warm-up pair (it also
 *    fills the HTTP cache), then 11 timed; medians.
 * 2. Reconnect after 1,000 offline edits. Each page reaches its server (a
 *    yracer server on `memoryStorage()`, or @y/websocket-server 0.1.1's relay)
 *    through a TCP proxy in this process: the outage is the proxy closing its
 *    port and dropping its connections (the servers keep running and keep
 *    the document, as in a network outage), the server coming back is the
 *    proxy listening on the same port again. Per round, in a new tab: the
 *    page subscribes to a fresh document (yracer: a model with an
 *    `indexedDbStore`; baseline: y-websocket 3.1.0's `WebsocketProvider` on
 *    a Y.Doc, no persistence); the outage starts; the page makes 1,000 edits
 *    `k<i> = i` (`model.set('items.<doc>.k<i>', i)` / `ymap.set('k<i>', i)`),
 *    one per task, and yracer's store is flushed; the outage lasts 3.5 s for
 *    both (Chromium delays WebSocket attempts more the longer they keep
 *    failing, so equal outages keep that delay comparable). Both clients
 *    retry every 20 ms (yracer `backoff: { baseMs: 20, maxMs: 20 }`,
 *    y-websocket `maxBackoffTime: 20`). "Match" is detected in the server's
 *    process by a stock y-websocket client of that server watching the
 *    document's map `data` (the same watcher for both; `watch` in
 *    offline-server.child.ts): its answer line is timed on arrival here.
 *    Timed (the target): from the proxy accepting the page's new connection
 *    until the watcher saw all 1,000 edits. Also: from the proxy listening
 *    again (includes Chromium's wait before its next attempt), and, for
 *    yracer, until the page's `whenNothingPending()` resolved (every edit
 *    acknowledged, i.e. stored), timed here when `page.evaluate` returns;
 *    and, on stderr, yracer's page's own steps (wall clock): the accepted
 *    connection to its socket opening (`openMs`), to its first update frame
 *    going out (`sendMs`: the client's work on reconnect), and from that
 *    frame until the watcher saw every edit (`sentToServerMs`).
 *    Rounds alternate: one warm-up pair, then 7 timed; medians.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { BenchChild, sleep, within } from './bench-child.ts';
import { formatMs, formatRatio, type Row } from './harness.ts';
import type { ColdResult } from './offline-pages/list.tsx';
import type { ReconnectPage } from './offline-pages/shared.ts';
import type { OfflineServerAnswer, OfflineServerStarted } from './offline-server.child.ts';
import { alternate } from './sync-rounds.ts';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = 1000;
const COLD_ROUNDS = 11;
const EDITS = 1000;
const RECONNECT_ROUNDS = 7;
const BACKOFF_MS = 20;
/** How long the server stays unreachable in a reconnect round (the 1,000 edits happen within it). */
const OUTAGE_MS = 3500;
const COLD_TARGET_MS = 300;
const RECONNECT_TARGET = 1.3;

const pagesDir = fileURLToPath(new URL('./offline-pages/', import.meta.url));
const serverScript = fileURLToPath(new URL('./offline-server.child.ts', import.meta.url));
const PAGES = ['cold-yracer', 'cold-yidb', 'seed-yracer', 'seed-yidb', 'reconnect-yracer', 'reconnect-yws'] as const;

// ---------------------------------------------------------------------------
// Helpers



/** Builds bench/offline-pages/*.html into `outDir`. */
async function buildPages(outDir: string): Promise<void> {
  await build({
    root: pagesDir,
    configFile: false,
    logLevel: 'warn',
    mode: 'production',
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      rolldownOptions: { input: Object.fromEntries(PAGES.map((page) => [page, join(pagesDir, `${page}.html`)])) },
    },
  });
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** Serves `dir` on 127.0.0.1 (a port of its own: an origin of its own). */
async function serveStatic(dir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const http: HttpServer = createHttpServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    // As a deployed Vite app is served: hashed assets cached for good, the HTML revalidated.
    const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': cache });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (listened on, then closed). */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server in a child process (offline-server.child.ts). */
class ServerChild {
  readonly #child: BenchChild;
  readonly port: number;

  private constructor(child: BenchChild) {
    this.#child = child;
    this.port = (child.started as OfflineServerStarted).port;
  }

  static async start(kind: 'yracer' | 'relay'): Promise<ServerChild> {
    return new ServerChild(await BenchChild.start(`server ${kind}`, serverScript, [kind]));
  }

  /** Starts watching a document; the promise resolves with the time (performance.now()) its completion was reported. */
  async watch(doc: string, count: number): Promise<number> {
    const { line, at } = await this.#child.ask(`watch ${doc} ${count}`);
    const parsed = JSON.parse(line) as OfflineServerAnswer;
    if (parsed.error || !parsed.done) throw new Error(`server watch ${doc}: ${parsed.error ?? line}`);
    return at;
  }

  close(): Promise<void> {
    return this.#child.close();
  }
}

/** A TCP proxy on a fixed port in front of a server: `down()` is an outage, `up()` the end of it. */
class OutageProxy {
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #server: NetServer | null = null;
  port = 0;
  /** When (performance.now()) the first connection after the last `up()` was accepted; 0 before. */
  acceptedAt = 0;

  constructor(target: number) {
    this.#target = target;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.#server) return;
    this.acceptedAt = 0;
    const server = createNetServer((client) => {
      if (this.acceptedAt === 0) this.acceptedAt = performance.now();
      const upstream = connect(this.#target, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await closed;
  }
}

/** Opens `url` in a new tab; errors of the page are collected. */
async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A model pointed at a closed port logs its failed connection attempts: expected.
    if (message.type() === 'error' && !/WebSocket|ERR_CONNECTION_REFUSED/.test(message.text())) errors.push(message.text());
  });
  await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
  return { page, errors };
}

/** Waits until the page set `window[key]` (or `window.__error`), and returns it. */
async function pageValue<T>(page: Page, key: string, timeoutMs: number, errors: readonly string[]): Promise<T> {
  try {
    await page.waitForFunction((name) => (globalThis as Record<string, unknown>)[name] !== undefined || (globalThis as { __error?: string }).__error !== undefined, key, {
      timeout: timeoutMs,
      polling: 'raf',
    });
  } catch (error) {
    throw new Error(`${page.url()}: no ${key} within ${timeoutMs} ms${errors.length ? `; page errors: ${errors.join(' | ')}` : ''}`, { cause: error });
  }
  const { value, failure } = await page.evaluate((name) => ({ value: (globalThis as Record<string, unknown>)[name], failure: (globalThis as { __error?: string }).__error }), key);
  if (failure !== undefined) throw new Error(`${page.url()}: ${failure}`);
  return value as T;
}

// ---------------------------------------------------------------------------
// Case 1: cold start

interface ColdSetup {
  readonly yracerUrl: string;
  readonly yidbUrl: string;
}

async function seed(context: BrowserContext, yracerOrigin: string, yidbOrigin: string, server: ServerChild): Promise<ColdSetup> {
  const store = `bench-cold-${Date.now()}`;
  const seeds = [
    [`${yracerOrigin}/seed-yracer.html?server=${encodeURIComponent(`ws://127.0.0.1:${server.port}/`)}&name=${store}&n=${DOCS}`, 'yracer'],
    [`${yidbOrigin}/seed-yidb.html?name=${store}&n=${DOCS}`, 'y-indexeddb'],
  ] as const;
  for (const [url, label] of seeds) {
    const { page, errors } = await openPage(context, url);
    const seeded = await pageValue<{ ms: number }>(page, '__seeded', 90_000, errors);
    process.stderr.write(`  seeded ${label}: ${DOCS} documents in ${formatMs(seeded.ms)}\n`);
    await page.close();
  }
  await sleep(500);
  const dead = `ws://127.0.0.1:${await closedPort()}/`;
  return {
    yracerUrl: `${yracerOrigin}/cold-yracer.html?server=${encodeURIComponent(dead)}&name=${store}&n=${DOCS}`,
    yidbUrl: `${yidbOrigin}/cold-yidb.html?name=${store}&n=${DOCS}`,
  };
}

async function coldLoad(context: BrowserContext, url: string): Promise<Record<string, number>> {
  const { page, errors } = await openPage(context, url);
  try {
    const result = await pageValue<ColdResult>(page, '__result', 30_000, errors);
    if (result.rows !== DOCS || !/^Item \d+/.test(result.first)) {
      throw new Error(`${url}: rendered ${result.rows} rows (first "${result.first}", last "${result.last}"), expected ${DOCS}`);
    }
    if (errors.length) throw new Error(`${url}: page errors: ${errors.join(' | ')}`);
    return { renderMs: result.renderMs, ...result.marks };
  } finally {
    await page.close();
    await sleep(150);
  }
}

// ---------------------------------------------------------------------------
// Case 2: reconnect

interface ReconnectWindow {
  bench?: ReconnectPage;
}

async function reconnectRound(
  context: BrowserContext,
  kind: 'yracer' | 'relay',
  origin: string,
  server: ServerChild,
  proxy: OutageProxy,
  round: number,
): Promise<Record<string, number>> {
  const stamp = `${Date.now().toString(36)}r${round}`;
  const doc = `rc${stamp}`;
  const watched = kind === 'yracer' ? `items/${doc}` : doc;
  await proxy.up();
  const url =
    kind === 'yracer'
      ? `${origin}/reconnect-yracer.html?server=${encodeURIComponent(`${proxy.url}/`)}&name=bench-reconnect-${stamp}&doc=${doc}&backoff=${BACKOFF_MS}`
      : `${origin}/reconnect-yws.html?server=${encodeURIComponent(proxy.url)}&doc=${doc}&backoff=${BACKOFF_MS}`;
  const watch = server.watch(watched, EDITS);
  watch.catch(() => undefined);
  const { page, errors } = await openPage(context, url);
  try {
    await pageValue(page, 'bench', 20_000, errors);
    await proxy.down();
    const downAt = performance.now();
    await page.waitForFunction(() => (globalThis as ReconnectWindow).bench?.state() !== 'online', null, { timeout: 10_000 });
    const editMs = await within(
      page.evaluate((n) => (globalThis as ReconnectWindow).bench?.edit(n) ?? -1, EDITS),
      60_000,
      `${kind}: ${EDITS} offline edits`,
    );
    // The same outage length for both: Chromium throttles WebSocket attempts more the longer they keep failing.
    await sleep(Math.max(200, OUTAGE_MS - (performance.now() - downAt)));
    // Started before the outage ends; resolves (here) once the page's promise did.
    const pending = page.evaluate(() => (globalThis as ReconnectWindow).bench?.nothingPending()?.then(() => true) ?? false).then((waited) => (waited ? performance.now() : Number.NaN));
    pending.catch(() => undefined);
    await sleep(50);
    const start = performance.now();
    await proxy.up();
    const serverAt = await within(watch, 30_000, `${kind}: the server to hold all ${EDITS} edits`);
    const pendingAt = await within(pending, 30_000, `${kind}: whenNothingPending`);
    const local = await page.evaluate((n) => (globalThis as ReconnectWindow).bench?.count(n) ?? -1, EDITS);
    if (local !== EDITS) throw new Error(`${kind}: the page holds ${local} of ${EDITS} edits`);
    if (errors.length) throw new Error(`${kind}: page errors: ${errors.join(' | ')}`);
    if (proxy.acceptedAt === 0) throw new Error(`${kind}: the proxy saw no connection`);
    const figures: Record<string, number> = { serverMs: serverAt - proxy.acceptedAt, totalMs: serverAt - start, acceptMs: proxy.acceptedAt - start, editMs };
    if (!Number.isNaN(pendingAt)) figures['pendingMs'] = pendingAt - proxy.acceptedAt;
    // Where the page records them (wall clock, as performance.timeOrigin + now here): its socket opening and its first update frame on it.
    const marks = await page.evaluate(() => (globalThis as ReconnectWindow).bench?.marks?.() ?? {});
    const wall = (at: number): number => performance.timeOrigin + at;
    if (marks['open'] !== undefined && marks['sent'] !== undefined) {
      figures['openMs'] = marks['open'] - wall(proxy.acceptedAt);
      figures['sendMs'] = marks['sent'] - marks['open'];
      figures['sentToServerMs'] = wall(serverAt) - marks['sent'];
    }
    return figures;
  } finally {
    await page.close();
    await proxy.down();
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------

export async function run(): Promise<Row[]> {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`  skipping offline benchmarks: ${CHROMIUM} not found (apt-get install chromium)\n`);
    return [];
  }
  const work = mkdtempSync(join(tmpdir(), 'yracer-offline-bench-'));
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const outDir = join(work, 'pages');
    const built = performance.now();
    await within(buildPages(outDir), 120_000, 'the Vite build of the bench pages');
    process.stderr.write(`  built the pages in ${formatMs(performance.now() - built)}\n`);
    const [yracerSite, baselineSite] = await Promise.all([serveStatic(outDir), serveStatic(outDir)]);
    cleanups.push(yracerSite.close, baselineSite.close);
    const [yracerServer, relayServer] = await Promise.all([ServerChild.start('yracer'), ServerChild.start('relay')]);
    cleanups.push(() => yracerServer.close(), () => relayServer.close());
    const context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    cleanups.unshift(() => context.close());

    // Case 1.
    const setup = await seed(context, yracerSite.origin, baselineSite.origin, yracerServer);
    const cold = await alternate({
      name: `cold start offline, ${DOCS} cached documents`,
      runs: { yracer: () => coldLoad(context, setup.yracerUrl), 'y-indexeddb': () => coldLoad(context, setup.yidbUrl) },
      rounds: COLD_ROUNDS,
      budgetMs: 90_000,
    });

    // Case 2.
    const yracerProxy = new OutageProxy(yracerServer.port);
    const relayProxy = new OutageProxy(relayServer.port);
    cleanups.push(() => yracerProxy.down(), () => relayProxy.down());
    const reconnect = await alternate({
      name: `reconnect after ${EDITS} offline edits`,
      runs: {
        yracer: (round) => reconnectRound(context, 'yracer', yracerSite.origin, yracerServer, yracerProxy, round),
        relay: (round) => reconnectRound(context, 'relay', baselineSite.origin, relayServer, relayProxy, round),
      },
      rounds: RECONNECT_ROUNDS,
      budgetMs: 120_000,
    });
    report(cold, reconnect);
    return rows(cold, reconnect);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => process.stderr.write(`  cleanup failed: ${String(error)}\n`));
    rmSync(work, { recursive: true, force: true });
  }
}

type Alternation = Awaited<ReturnType<typeof alternate>>;

function report(cold: Alternation, reconnect: Alternation): void {
  const line = (alternation: Alternation, label: string, figure: string): string =>
    `    ${label} ${figure}: median ${formatMs(alternation.median(label, figure))} (${alternation
      .values(label, figure)
      .map((v) => v.toFixed(0))
      .join(', ')})\n`;
  process.stderr.write(`  ${cold.name}:\n`);
  for (const figure of ['script', 'model', 'renderMs']) process.stderr.write(line(cold, 'yracer', figure));
  for (const figure of ['script', 'opened', 'synced', 'renderMs']) process.stderr.write(line(cold, 'y-indexeddb', figure));
  process.stderr.write(`  ${reconnect.name}:\n`);
  for (const figure of ['editMs', 'acceptMs', 'serverMs', 'totalMs', 'pendingMs', 'openMs', 'sendMs', 'sentToServerMs']) process.stderr.write(line(reconnect, 'yracer', figure));
  for (const figure of ['editMs', 'acceptMs', 'serverMs', 'totalMs']) process.stderr.write(line(reconnect, 'relay', figure));
}

function rows(cold: Alternation, reconnect: Alternation): Row[] {
  const yracerCold = cold.median('yracer', 'renderMs');
  const coldRatio = cold.ratio(['yracer', 'renderMs'], ['y-indexeddb', 'renderMs']);
  const serverRatio = reconnect.ratio(['yracer', 'serverMs'], ['relay', 'serverMs']);
  const pendingRatio = reconnect.ratio(['yracer', 'pendingMs'], ['relay', 'serverMs']);
  const totalRatio = reconnect.ratio(['yracer', 'totalMs'], ['relay', 'totalMs']);
  const editRatio = reconnect.ratio(['yracer', 'editMs'], ['relay', 'editMs']);
  return [
    {
      benchmark: `Chromium, cold start offline with ${DOCS.toLocaleString('en-US')} cached documents (server down): navigation start → React's first commit of all ${DOCS.toLocaleString('en-US')} rows, new tab per load, median of ${cold.rounds}; yracer \`indexedDbStore\` (one database) + \`useQuery('items', {})\` over the stored query result vs y-indexeddb (${DOCS.toLocaleString('en-US')} databases, one \`IndexeddbPersistence\` per Y.Doc, all \`whenSynced\`) (time, yracer/y-indexeddb)`,
      yracer: formatMs(yracerCold),
      baseline: formatMs(cold.median('y-indexeddb', 'renderMs')),
      ratio: formatRatio(coldRatio, cold.ratioRange(['yracer', 'renderMs'], ['y-indexeddb', 'renderMs'])),
      target: `yracer < ${COLD_TARGET_MS} ms`,
      met: yracerCold < COLD_TARGET_MS,
    },
    {
      benchmark: `Chromium, cold start, for reading the row above: navigation start → the page's own script starts running (bundle from the HTTP cache, parsed and evaluated; yracer's page: React + yracer + Yjs, y-indexeddb's: React + Yjs + y-indexeddb) (time, yracer page/y-indexeddb page)`,
      yracer: formatMs(cold.median('yracer', 'script')),
      baseline: formatMs(cold.median('y-indexeddb', 'script')),
      ratio: formatRatio(cold.ratio(['yracer', 'script'], ['y-indexeddb', 'script']), cold.ratioRange(['yracer', 'script'], ['y-indexeddb', 'script'])),
      target: '—',
      met: null,
    },
    {
      benchmark: `Chromium, reconnect after ${EDITS.toLocaleString('en-US')} offline edits (\`k<i> = i\` in one document, one edit per task, ${OUTAGE_MS / 1000} s outage: a TCP proxy closed, the servers keep running): from the proxy accepting the page's new connection until the server's copy holds every edit, seen by a stock y-websocket client of that server (in the server's process), median of ${reconnect.rounds}; yracer model with \`indexedDbStore\` vs y-websocket 3.1.0 \`WebsocketProvider\` + @y/websocket-server 0.1.1 (time, yracer/y-websocket)`,
      yracer: formatMs(reconnect.median('yracer', 'serverMs')),
      baseline: formatMs(reconnect.median('relay', 'serverMs')),
      ratio: formatRatio(serverRatio, reconnect.ratioRange(['yracer', 'serverMs'], ['relay', 'serverMs'])),
      target: `≤ ${RECONNECT_TARGET}x`,
      met: serverRatio <= RECONNECT_TARGET,
    },
    {
      benchmark: `Chromium, reconnect after ${EDITS.toLocaleString('en-US')} offline edits: yracer from the accepted connection until the page's \`whenNothingPending()\` resolved (every edit acknowledged = stored by the server) vs y-websocket until the server held every edit (as above; it has no acknowledgements) (time, yracer/y-websocket)`,
      yracer: formatMs(reconnect.median('yracer', 'pendingMs')),
      baseline: formatMs(reconnect.median('relay', 'serverMs')),
      ratio: formatRatio(pendingRatio, reconnect.ratioRange(['yracer', 'pendingMs'], ['relay', 'serverMs'])),
      target: '—',
      met: null,
    },
    {
      benchmark: `Chromium, reconnect after ${EDITS.toLocaleString('en-US')} offline edits, from the proxy listening again (the server is back) until the server held every edit: adds the wait for the page's next connection attempt, which Chromium delays more the longer attempts keep failing (both clients retry every ${BACKOFF_MS} ms: yracer \`backoff: { baseMs: ${BACKOFF_MS}, maxMs: ${BACKOFF_MS} }\`, y-websocket \`maxBackoffTime: ${BACKOFF_MS}\`); noisy (time, yracer/y-websocket)`,
      yracer: formatMs(reconnect.median('yracer', 'totalMs')),
      baseline: formatMs(reconnect.median('relay', 'totalMs')),
      ratio: formatRatio(totalRatio, reconnect.ratioRange(['yracer', 'totalMs'], ['relay', 'totalMs'])),
      target: '—',
      met: null,
    },
    {
      benchmark: `Chromium, making the ${EDITS.toLocaleString('en-US')} offline edits, one per task (MessageChannel): yracer stores each in IndexedDB (updates + pending) and flushes vs a bare Y.Doc with y-websocket (memory only) (time, yracer/y-websocket)`,
      yracer: formatMs(reconnect.median('yracer', 'editMs')),
      baseline: formatMs(reconnect.median('relay', 'editMs')),
      ratio: formatRatio(editRatio, reconnect.ratioRange(['yracer', 'editMs'], ['relay', 'editMs'])),
      target: '—',
      met: null,
    },
  ];
}
