/**
 * Sync-server benchmarks: yracer's server and client against the plain
 * y-websocket relay (@y/websocket-server's `setupWSConnection` with stock
 * `y-websocket` providers).
 *
 * Every server runs in a child process of its own (sync-server.child.ts),
 * the clients run here, so server and clients do not share an event loop.
 * Contenders alternate round by round (sync-rounds.ts: a warm-up round, then
 * 7 timed rounds; every round opens fresh clients on a fresh document and
 * closes them afterwards, waiting until the server saw every socket close);
 * results are medians over the rounds. Latencies are measured in this
 * process, from just before the write call to the reader's event (or the
 * write's acknowledgement), with `performance.now()`.
 *
 * 1. Two clients: A writes, B's model emits the change. Latency one write at a
 *    time, 300 samples per round; then 2,000 writes back to back, until B saw
 *    the last; then (informational) 2,000 more at once: the first burst of a
 *    round costs both contenders several times the CPU of the next one.
 * 2. 50 clients on one document, one writer: 200 writes one at a time (the
 *    next once all 49 others saw the previous one).
 * 3. yracer's server on SQLite (default durability `disk`: `synchronous =
 *    FULL`, a file in the OS temp dir): write to acknowledgement, one at a
 *    time, in the rounds of case 1, against the relay's A-to-B latency of
 *    those rounds; and the same server with durability `process`
 *    (`synchronous = NORMAL`) against it. For reading it, the cost of one
 *    SQLite append by itself is measured too.
 * 4. Server heap per loaded idle document: 10,000 documents loaded through a
 *    yracer server (sync-server.child.ts) against 10,000 bare Y.Docs with an
 *    Awareness each (sync-heap.child.ts); then the heap after they unloaded,
 *    twice (a second load/unload cycle tells a leak from one-time growth).
 *
 * yracer is imported as the built package (`yracer`, i.e. dist/), as users
 * run it; `npm run bench` builds first.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { createModel, type Model } from 'yracer';
import { sqliteStorage } from 'yracer/server';
import { formatMs, formatRatio, type Row } from './harness.ts';
import type { HeapBaseline } from './sync-heap.child.ts';
import { sleep, within } from './bench-child.ts';
import { openPeers, relayPeer, ServerProcess, yracerPeer, type Peer, type PeerFactory } from './sync-peers.ts';
import { backToBack, closeAll, oneAtATime, Watch } from './sync-writes.ts';
import { alternate, quantile, type Figures } from './sync-rounds.ts';

// ---------------------------------------------------------------------------
// Cases 1 and 3: two clients

const PAIR_SAMPLES = 300;
const SUSTAINED_WRITES = 2_000;

/** One round of case 1 (or, with `acked`, case 3): fresh A and B on a fresh document. */
function pairRound(server: ServerProcess, factory: PeerFactory, acked: boolean): (round: number) => Promise<Figures> {
  return async (round) => {
    const peers = await openPeers(factory, server.url, `pair${round}`, 2, 0);
    const [a, b] = peers as [Peer, Peer];
    try {
      const watch = new Watch([b]);
      const latency = await oneAtATime(a, watch, 1, 1, PAIR_SAMPLES, acked);
      const sustained = await backToBack(a, watch, 100_000, SUSTAINED_WRITES, acked);
      // The same again at once: the first burst of a round costs both contenders several times the CPU of later ones.
      const again = await backToBack(a, watch, 200_000, SUSTAINED_WRITES, false);
      return {
        p50: quantile(latency.latencies, 0.5),
        p99: quantile(latency.latencies, 0.99),
        perSecond: (SUSTAINED_WRITES * 1000) / sustained.seenMs,
        perSecondAgain: (SUSTAINED_WRITES * 1000) / again.seenMs,
        ...(acked
          ? {
              ackP50: quantile(latency.acks, 0.5),
              ackP99: quantile(latency.acks, 0.99),
              ackedPerSecond: (SUSTAINED_WRITES * 1000) / sustained.ackedMs,
            }
          : {}),
      };
    } finally {
      await closeAll(peers, server);
    }
  };
}

/**
 * For reading case 3: what one SQLite commit costs by itself here. Appends to
 * `sqliteStorage` (the default `synchronous = FULL`, so every commit syncs
 * the WAL to disk) one at a time, in this process, in the same directory as
 * the server's database; returns the p50 and p99 in ms.
 */
async function sqliteAppendAlone(dir: string): Promise<Figures> {
  const storage = sqliteStorage(join(dir, 'append.db'));
  const update = new Uint8Array(28).fill(1);
  const times: number[] = [];
  try {
    for (let i = 0; i < 20 + PAIR_SAMPLES; i++) {
      const start = performance.now();
      await storage.append({ collection: 'todos', id: 'a' }, [update]);
      if (i >= 20) times.push(performance.now() - start);
    }
  } finally {
    await storage.close();
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

// ---------------------------------------------------------------------------
// Case 2: 50 clients, one writer

const FANOUT_CLIENTS = 50;
const FANOUT_WRITES = 200;
const RECEIVERS = FANOUT_CLIENTS - 1;

function fanoutRound(server: ServerProcess, factory: PeerFactory): (round: number) => Promise<Figures> {
  return async (round) => {
    const peers = await openPeers(factory, server.url, `fan${round}`, FANOUT_CLIENTS, 0);
    try {
      const watch = new Watch(peers.slice(1));
      const run = await oneAtATime(peers[0] as Peer, watch, RECEIVERS, 1, FANOUT_WRITES, false);
      return {
        deliveriesPerSecond: (RECEIVERS * FANOUT_WRITES * 1000) / run.totalMs,
        p50: quantile(run.latencies, 0.5),
        p99: quantile(run.latencies, 0.99),
      };
    } finally {
      await closeAll(peers, server);
    }
  };
}

// ---------------------------------------------------------------------------
// Case 4: heap per loaded idle document
//
// The documents are loaded through the server, by one client (in this
// process, so its memory is not in the server's heap) subscribing to them in
// batches: the server's room registry is not reachable (a private field of
// SyncServer, and RoomRegistry is not exported by 'yracer/server'). The
// server (sync-server.child.ts, SQLite in the temp dir) stores the documents
// through its Storage before it starts; each is `{ n: i }`, the content of the
// baseline's Y.Docs. Heap figures are heapUsed after gc in the server's
// process, before loading (after a warm-up on 500 other documents), with the
// 10,000 loaded and idle (subscribed, no traffic), and after the client
// closed and every room unloaded.

const HEAP_DOCS = 10_000;
const HEAP_WARMUP_DOCS = 500;
const HEAP_BATCH = 500;
const HEAP_UNLOAD_DELAY_MS = 100;

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const heapScript = fileURLToPath(new URL('./sync-heap.child.ts', import.meta.url));

async function heapBaseline(): Promise<HeapBaseline> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', heapScript, String(HEAP_DOCS)], {
    cwd: projectRoot,
    timeout: 60_000,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as HeapBaseline;
}

/** One client subscribing to `todos.d<from>` ... in batches; resolves once the server sent them all. */
async function subscribeAll(url: string, from: number, count: number): Promise<Model> {
  const model = createModel({ url, WebSocket: WebSocket as never });
  try {
    for (let start = from; start < from + count; start += HEAP_BATCH) {
      const paths = Array.from({ length: Math.min(HEAP_BATCH, from + count - start) }, (_, i) => `todos.d${start + i}`);
      await within(model.subscribe(...paths), 30_000, `subscribing to ${paths.length} documents`);
    }
    const value = model.get<{ n: number }>(`todos.d${from + count - 1}`);
    if (value?.n !== from + count - 1) throw new Error('the subscribed documents did not arrive with their content');
    return model;
  } catch (error) {
    model.close();
    throw error;
  }
}

/** Polls the server until it holds `rooms` documents and no connection (at most 30 s). */
async function waitForRooms(server: ServerProcess, rooms: number): Promise<void> {
  const start = performance.now();
  for (;;) {
    const stats = await server.command('stats');
    if (stats.rooms === rooms && stats.connections === 0) return;
    if (performance.now() - start > 30_000) throw new Error(`server ${server.label}: ${stats.rooms} rooms, ${stats.connections} connections after 30 s`);
    await sleep(50);
  }
}

/** One load/unload cycle of the yracer server. */
interface HeapCycle {
  /** Heap with the documents loaded. */
  readonly loadedHeap: number;
  /** Rooms the server held then. */
  readonly loadedRooms: number;
  /** Heap once they all unloaded. */
  readonly afterHeap: number;
}

interface HeapResult {
  readonly baseline: HeapBaseline;
  /** Heap before the first cycle (after a warm-up on other documents). */
  readonly startHeap: number;
  readonly cycles: readonly HeapCycle[];
}

/** Load/unload cycles: the first is the measurement; the second tells a leak (growing again) from one-time allocations. */
const HEAP_CYCLES = 2;

async function heapCase(dir: string): Promise<HeapResult> {
  const started = performance.now();
  const baseline = await heapBaseline();
  const server = await ServerProcess.start('yracer (heap, SQLite)', [
    'yracer',
    join(dir, 'heap.db'),
    `--unload-delay-ms=${HEAP_UNLOAD_DELAY_MS}`,
    `--populate=${HEAP_DOCS + HEAP_WARMUP_DOCS}`,
  ]);
  try {
    // Warm up the server's code paths on other documents, and let them unload.
    (await subscribeAll(server.url, HEAP_DOCS, HEAP_WARMUP_DOCS)).close();
    await waitForRooms(server, 0);
    const start = await server.command('heap');
    const cycles: HeapCycle[] = [];
    for (let cycle = 0; cycle < HEAP_CYCLES; cycle++) {
      const model = await subscribeAll(server.url, 0, HEAP_DOCS);
      const loaded = await server.command('heap');
      model.close();
      await waitForRooms(server, 0);
      const after = await server.command('heap');
      cycles.push({ loadedHeap: loaded.heapUsed, loadedRooms: loaded.rooms, afterHeap: after.heapUsed });
    }
    const mib = (value: number): string => `${(value / (1 << 20)).toFixed(1)} MiB`;
    const shown = cycles.map((c) => `loaded ${mib(c.loadedHeap)} (${c.loadedRooms} rooms), after ${mib(c.afterHeap)}`).join('; ');
    process.stderr.write(`  heap per loaded idle document: baseline ${mib(baseline.startHeap)} -> ${mib(baseline.loadedHeap)}; yracer start ${mib(start.heapUsed)}, ${shown}\n`);
    process.stderr.write(`  heap per loaded idle document: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return { baseline, startHeap: start.heapUsed, cycles };
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------
// Rows

const ms = (value: number): string => formatMs(value);
const perSecond = (value: number, unit: string): string =>
  `${value >= 1e3 ? `${(value / 1e3).toPrecision(3)}k` : value.toPrecision(3)} ${unit}/s`;
const bytes = (value: number): string =>
  Math.abs(value) >= 1 << 20 ? `${(value / (1 << 20)).toFixed(1)} MiB` : `${(value / 1024).toFixed(1)} KiB`;
const signedMs = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toPrecision(2)} ms`;

/** Runs the sync benchmarks and returns their table rows. */
export async function run(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'yracer-bench-'));
  const servers: ServerProcess[] = [];
  const maxListeners = process.getMaxListeners();
  // Every y-websocket provider adds a process 'exit' listener; 50 of them are expected here.
  process.setMaxListeners(Math.max(maxListeners, FANOUT_CLIENTS + 10));
  try {
    const [relay, yracer, sqlite, sqliteProcess] = await Promise.all([
      ServerProcess.start('relay', ['relay']),
      ServerProcess.start('yracer', ['yracer']),
      ServerProcess.start('yracer+sqlite', ['yracer', join(dir, 'sync.db')]),
      ServerProcess.start('yracer+sqlite (process)', ['yracer', join(dir, 'sync-process.db'), '--durability=process']),
    ]);
    servers.push(relay, yracer, sqlite, sqliteProcess);

    const pair = await alternate({
      name: 'two clients: A writes, B sees it (and, on SQLite, A gets the ack)',
      runs: {
        relay: pairRound(relay, relayPeer, false),
        yracer: pairRound(yracer, yracerPeer, false),
        'yracer+sqlite': pairRound(sqlite, yracerPeer, true),
        'yracer+sqlite-process': pairRound(sqliteProcess, yracerPeer, true),
      },
      budgetMs: 75_000,
    });
    const fanout = await alternate({
      name: `${FANOUT_CLIENTS} clients on one document, one writer`,
      runs: { relay: fanoutRound(relay, relayPeer), yracer: fanoutRound(yracer, yracerPeer) },
      budgetMs: 75_000,
    });
    await Promise.all(servers.splice(0).map((server) => server.close()));
    const append = await sqliteAppendAlone(dir);
    const heap = await heapCase(dir);
    return rows(pair, fanout, append, heap);
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    process.setMaxListeners(maxListeners);
    rmSync(dir, { recursive: true, force: true });
  }
}

type Alternation = Awaited<ReturnType<typeof alternate>>;

function rows(pair: Alternation, fanout: Alternation, append: Figures, heap: HeapResult): Row[] {
  const out: Row[] = [];

  // Case 1: latency.
  for (const [figure, factor, slack] of [
    ['p50', 1.3, 0.2],
    ['p99', 1.5, 0.5],
  ] as const) {
    const y = pair.median('yracer', figure);
    const r = pair.median('relay', figure);
    const ratio = y / r;
    out.push({
      benchmark: `two clients, one write at a time (${PAIR_SAMPLES} per round): A writes, B's model emits the change — latency ${figure}: \`modelA.set('todos.<id>.n', i)\` → \`modelB.on('change', …)\` vs y-websocket relay: \`ymap.set\` → B's \`ymap.observe\` (time, yracer/relay; difference ${signedMs(y - r)})`,
      yracer: ms(y),
      baseline: ms(r),
      ratio: formatRatio(ratio, pair.ratioRange(['yracer', figure], ['relay', figure])),
      target: `≤ ${factor}x or ≤ +${slack} ms`,
      met: ratio <= factor || y - r <= slack,
    });
  }
  {
    const ratio = pair.ratio(['yracer', 'perSecond'], ['relay', 'perSecond']);
    out.push({
      benchmark: `two clients, sustained: A writes ${SUSTAINED_WRITES.toLocaleString('en-US')} updates back to back, until B saw the last (updates/s, yracer/relay)`,
      yracer: perSecond(pair.median('yracer', 'perSecond'), 'updates'),
      baseline: perSecond(pair.median('relay', 'perSecond'), 'updates'),
      ratio: formatRatio(ratio, pair.ratioRange(['yracer', 'perSecond'], ['relay', 'perSecond'])),
      target: '≥ 0.8x',
      met: ratio >= 0.8,
    });
  }

  {
    const ratio = pair.ratio(['yracer', 'perSecondAgain'], ['relay', 'perSecondAgain']);
    out.push({
      benchmark: `two clients, sustained, a second burst of ${SUSTAINED_WRITES.toLocaleString('en-US')} right after the first (steady state; the first burst of a round costs both contenders several times the CPU) (updates/s, yracer/relay)`,
      yracer: perSecond(pair.median('yracer', 'perSecondAgain'), 'updates'),
      baseline: perSecond(pair.median('relay', 'perSecondAgain'), 'updates'),
      ratio: formatRatio(ratio, pair.ratioRange(['yracer', 'perSecondAgain'], ['relay', 'perSecondAgain'])),
      target: '—',
      met: null,
    });
  }

  // Case 2: fan-out.
  {
    const ratio = fanout.ratio(['yracer', 'deliveriesPerSecond'], ['relay', 'deliveriesPerSecond']);
    out.push({
      benchmark: `${FANOUT_CLIENTS} clients on one document, one writer, ${FANOUT_WRITES} updates one at a time (the next once all ${RECEIVERS} others saw the previous): deliveries/s = ${RECEIVERS} × ${FANOUT_WRITES} / time (yracer/relay)`,
      yracer: perSecond(fanout.median('yracer', 'deliveriesPerSecond'), 'deliveries'),
      baseline: perSecond(fanout.median('relay', 'deliveriesPerSecond'), 'deliveries'),
      ratio: formatRatio(ratio, fanout.ratioRange(['yracer', 'deliveriesPerSecond'], ['relay', 'deliveriesPerSecond'])),
      target: '≥ 0.8x',
      met: ratio >= 0.8,
    });
  }
  for (const [figure, target] of [
    ['p99', 1.3],
    ['p50', null],
  ] as const) {
    const ratio = fanout.ratio(['yracer', figure], ['relay', figure]);
    out.push({
      benchmark: `${FANOUT_CLIENTS} clients, one writer: latency ${figure} from the write until all ${RECEIVERS} receivers saw it (time, yracer/relay)`,
      yracer: ms(fanout.median('yracer', figure)),
      baseline: ms(fanout.median('relay', figure)),
      ratio: formatRatio(ratio, fanout.ratioRange(['yracer', figure], ['relay', figure])),
      target: target === null ? '—' : `≤ ${target}x`,
      met: target === null ? null : ratio <= target,
    });
  }

  // Case 3: SQLite acknowledgement.
  {
    const ratio = pair.ratio(['yracer+sqlite', 'ackP50'], ['relay', 'p50']);
    out.push({
      benchmark: `SQLite durability (sqliteStorage in the OS temp dir, synchronous = FULL): write → ack latency p50, \`modelA.set(path, i, callback)\` until the callback, one at a time, vs the relay's A→B p50 (case 1, same rounds; the relay stores nothing) (time, yracer/relay)`,
      yracer: ms(pair.median('yracer+sqlite', 'ackP50')),
      baseline: ms(pair.median('relay', 'p50')),
      ratio: formatRatio(ratio, pair.ratioRange(['yracer+sqlite', 'ackP50'], ['relay', 'p50'])),
      target: '≤ 2x',
      met: ratio <= 2,
    });
  }
  for (const [figure, against, label] of [
    ['ackP99', 'p99', 'write → ack latency p99 vs the relay\'s A→B p99'],
    ['p50', 'p50', 'A→B latency p50 (B sees the write; the next write waits for the ack too) vs the relay\'s A→B p50'],
  ] as const) {
    const ratio = pair.ratio(['yracer+sqlite', figure], ['relay', against]);
    out.push({
      benchmark: `SQLite durability: ${label} (time, yracer/relay)`,
      yracer: ms(pair.median('yracer+sqlite', figure)),
      baseline: ms(pair.median('relay', against)),
      ratio: formatRatio(ratio, pair.ratioRange(['yracer+sqlite', figure], ['relay', against])),
      target: '—',
      met: null,
    });
  }
  {
    const ratio = pair.ratio(['yracer+sqlite', 'ackedPerSecond'], ['relay', 'perSecond']);
    out.push({
      benchmark: `SQLite durability, sustained: ${SUSTAINED_WRITES.toLocaleString('en-US')} writes back to back until the last is acknowledged (durable) vs the relay until B saw the last (updates/s, yracer/relay)`,
      yracer: perSecond(pair.median('yracer+sqlite', 'ackedPerSecond'), 'updates'),
      baseline: perSecond(pair.median('relay', 'perSecond'), 'updates'),
      ratio: formatRatio(ratio, pair.ratioRange(['yracer+sqlite', 'ackedPerSecond'], ['relay', 'perSecond'])),
      target: '—',
      met: null,
    });
  }

  // Case 3b: what durability 'process' (synchronous = NORMAL, commits on the event loop) changes.
  for (const [figure, unit, label] of [
    ['ackP50', 'time', 'write → ack latency p50'],
    ['ackedPerSecond', 'updates/s', `sustained: ${SUSTAINED_WRITES.toLocaleString('en-US')} writes back to back until the last is acknowledged`],
  ] as const) {
    const format = (value: number): string => (unit === 'time' ? ms(value) : perSecond(value, 'updates'));
    out.push({
      benchmark: `SQLite durability: ${label}, \`durability: 'process'\` (synchronous = NORMAL, survives a crash of the process, not a power cut; commits on the event loop) vs the default \`'disk'\` (synchronous = FULL, commits in the commit thread) (${unit}, process/disk)`,
      yracer: format(pair.median('yracer+sqlite-process', figure)),
      baseline: format(pair.median('yracer+sqlite', figure)),
      ratio: formatRatio(pair.ratio(['yracer+sqlite-process', figure], ['yracer+sqlite', figure]), pair.ratioRange(['yracer+sqlite-process', figure], ['yracer+sqlite', figure])),
      target: '—',
      met: null,
    });
  }

  out.push({
    benchmark: `for reading the SQLite rows: one \`sqliteStorage\` append (a commit with synchronous = FULL) by itself, in the benchmark's process, same directory, one at a time: p50 (p99 ${ms(append['p99'] as number)})`,
    yracer: ms(append['p50'] as number),
    baseline: '—',
    ratio: '—',
    target: '—',
    met: null,
  });

  // Case 4: heap.
  {
    const first = heap.cycles[0] as HeapCycle;
    const baselineGrowth = heap.baseline.loadedHeap - heap.baseline.startHeap;
    const growth = first.loadedHeap - heap.startHeap;
    const ratio = growth / baselineGrowth;
    const later = heap.cycles.slice(1).map((c) => bytes((c.loadedHeap - heap.startHeap) / HEAP_DOCS));
    out.push({
      benchmark: `server heap per loaded idle document, ${HEAP_DOCS.toLocaleString('en-US')} documents (\`data.n = i\`): a yracer server on SQLite, loaded through the server by one client subscribing in batches of ${HEAP_BATCH} (${first.loadedRooms.toLocaleString('en-US')} rooms; next cycle: ${later.join(', ')}/doc) vs bare \`Y.Doc\`s with a y-protocols \`Awareness\` each (heap growth after gc per document, yracer/baseline)`,
      yracer: `${bytes(growth / HEAP_DOCS)}/doc`,
      baseline: `${bytes(baselineGrowth / HEAP_DOCS)}/doc`,
      ratio: formatRatio(ratio),
      target: '≤ 1.5x',
      met: ratio <= 1.5 && first.loadedRooms === HEAP_DOCS,
    });
    const shares = heap.cycles.map((c) => (c.afterHeap - heap.startHeap) / heap.startHeap);
    const describe = heap.cycles
      .map((c, i) => `after cycle ${i + 1}: ${bytes(c.afterHeap - heap.startHeap)}, ${(100 * (shares[i] as number)).toFixed(1)}% of the start`)
      .join('; ');
    out.push({
      benchmark: `server heap after the ${HEAP_DOCS.toLocaleString('en-US')} documents unloaded (client closed, unloadDelayMs ${HEAP_UNLOAD_DELAY_MS}), ${HEAP_CYCLES} load/unload cycles: heap after vs before the first load (${describe})`,
      yracer: bytes(first.afterHeap),
      baseline: `start: ${bytes(heap.startHeap)}`,
      ratio: formatRatio(first.afterHeap / heap.startHeap),
      target: 'within 10% of the start (every cycle)',
      met: shares.every((share) => Math.abs(share) <= 0.1),
    });
  }
  return out;
}
