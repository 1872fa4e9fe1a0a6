/**
 * The table rows of peers.bench.ts: one row per figure, yracer's value in
 * the `yracer` column, every peer's value in `baseline` and the ratios
 * yracer/peer (with, for the alternated cases, the smallest and largest
 * ratio within one round) in `ratio`. The rows are informational: no
 * targets.
 */
import { formatMs, formatRatio, type Row } from './harness.ts';
import type { PeerCapacity, PeerStep } from './peers-capacity.ts';
import { CLIENTS, DOCS, P99_LIMIT_MS, RATES, STEP_MS, STORE_TAIL_MS } from './peers-capacity.ts';
import { MEMORY_DOCS, type MemoryResult } from './peers-memory.ts';
import { ACK_SAMPLES, FANOUT_CLIENTS, FANOUT_WRITES, PAIR_SAMPLES, PEERS, SUSTAINED_WRITES, type System } from './peers-sizes.ts';
import type { Alternation } from './sync-rounds.ts';

/** What peers.bench.ts measured. */
export interface PeerResults {
  readonly pair: Alternation;
  readonly fanout: Alternation;
  readonly capacity: PeerCapacity;
  readonly memory: Readonly<Record<System, MemoryResult>>;
}

type Peer = (typeof PEERS)[number];

const count = (value: number): string => value.toLocaleString('en-US');
const perSecond = (value: number, unit: string): string => `${value >= 1e3 ? `${(value / 1e3).toPrecision(3)}k` : value.toPrecision(3)} ${unit}/s`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;
const us = (value: number): string => `${value.toPrecision(3)} µs`;

/** What a write is in each system (the first row says it; the others refer to it). */
const PER_WRITE =
  'yracer: stored in SQLite (synchronous = FULL), then acknowledged (set callback); ' +
  'Hocuspocus: applied in memory and acknowledged as such (SyncStatus), stored to SQLite (whole document) 2 s after its last change, no storage ack; ' +
  'y-websocket: applied in memory, never stored, no ack; ' +
  'ShareDB: committed to its in-memory database (op log + snapshot), then acknowledged (submitOp callback); ' +
  'access: none checks it (yracer without rules, Hocuspocus without onAuthenticate, ShareDB without middleware)';

/** A row over every peer; `value(p)` null: the peer has no such figure (`missing` says why). */
function row(benchmark: string, yracer: string, value: (peer: Peer) => string | null, ratio: (peer: Peer) => string | null, missing = 'n/a'): Row {
  return {
    benchmark,
    yracer,
    baseline: PEERS.map((peer) => `${peer}: ${value(peer) ?? missing}`).join('; '),
    ratio: PEERS.map((peer) => `${peer}: ${ratio(peer) ?? '—'}`).join('; '),
    target: '—',
    met: null,
  };
}

/** A row of one figure of an alternated case, yracer against every peer. */
function alternated(benchmark: string, alt: Alternation, figure: string, format: (value: number) => string): Row {
  return row(
    benchmark,
    format(alt.median('yracer', figure)),
    (peer) => format(alt.median(peer, figure)),
    (peer) => formatRatio(alt.ratio(['yracer', figure], [peer, figure]), alt.ratioRange(['yracer', figure], [peer, figure])),
  );
}

function pairRows(pair: Alternation): Row[] {
  const head = `W3, two clients on a fresh document (${PAIR_SAMPLES} writes a round, one at a time: A writes \`n\`, the next once B saw it)`;
  const ackOf = (peer: Peer, figure: string): string | null => {
    if (peer === 'y-websocket') return null;
    const value = formatMs(pair.median(peer, figure));
    return peer === 'Hocuspocus' ? `no storage ack (its in-memory ack: ${value})` : value;
  };
  const ackRatio = (peer: Peer, figure: string): string | null =>
    peer === 'y-websocket'
      ? null
      : `${formatRatio(pair.ratio(['yracer', figure], [peer, figure]), pair.ratioRange(['yracer', figure], [peer, figure]))}${peer === 'Hocuspocus' ? ' (vs in-memory ack)' : ''}`;
  const ackRow = (figure: 'ackP50' | 'ackP99', label: string): Row =>
    row(
      figure === 'ackP50'
        ? `W3, the same two clients, write → acknowledgement p50, ${ACK_SAMPLES} writes a round one at a time (the next once acknowledged and seen by B): yracer \`model.set(path, i, callback)\` until the callback (stored), ShareDB \`submitOp(op, callback)\` (committed in memory), Hocuspocus has no storage ack (its provider's \`unsyncedChanges\` back to 0: applied in memory), y-websocket none (time, yracer/peer)`
        : `W3, write → acknowledgement ${label}, as above (time, yracer/peer)`,
      formatMs(pair.median('yracer', figure)),
      (peer) => ackOf(peer, figure),
      (peer) => ackRatio(peer, figure),
      'no ack',
    );
  return [
    alternated(`${head}: A → B latency p50, from the write call to B's change event (time, yracer/peer)`, pair, 'p50', formatMs),
    alternated('W3, the same two clients: A → B latency p99 (time, yracer/peer)', pair, 'p99', formatMs),
    alternated(
      `W3, the same two clients, sustained: A writes ${count(SUSTAINED_WRITES)} updates back to back (one synchronous loop), until B saw the last (updates/s, yracer/peer: above 1, yracer is faster)`,
      pair,
      'perSecond',
      (value) => perSecond(value, 'updates'),
    ),
    ackRow('ackP50', 'p50'),
    ackRow('ackP99', 'p99'),
  ];
}

function fanoutRows(fanout: Alternation): Row[] {
  const receivers = FANOUT_CLIENTS - 1;
  return [
    alternated(
      `W4, ${FANOUT_CLIENTS} clients on one document, one writer, ${FANOUT_WRITES} updates one at a time (the next once all ${receivers} others saw the previous): deliveries/s = ${receivers} × ${FANOUT_WRITES} / time (yracer/peer: above 1, yracer is faster)`,
      fanout,
      'deliveriesPerSecond',
      (value) => perSecond(value, 'deliveries'),
    ),
    alternated(`W4, the same ${FANOUT_CLIENTS} clients: latency p99 from the write until all ${receivers} others saw it (time, yracer/peer)`, fanout, 'p99', formatMs),
  ];
}

function capacityRows({ steps, capacity }: PeerCapacity): Row[] {
  const fleet = `W5, ${CLIENTS} clients (a connection each) over ${DOCS} documents, a writer and a reader per document, writes paced over the documents for ${STEP_MS / 1000} s a step (after an untimed warm-up step)`;
  const same = 'W5, the same fleet';
  const stepOf = (system: System, rate: number): PeerStep | undefined => steps[system]?.find((step) => step.rate === rate);
  const notRun = 'not run (failed a lower step)';
  const out: Row[] = [];
  for (const rate of RATES) {
    const y = stepOf('yracer', rate);
    const p99 = (step: PeerStep | undefined): string | null => (step ? `${formatMs(step.p99)} (issued ${count(Math.round(step.achieved))}/s)` : null);
    out.push(
      row(
        `${rate === RATES[0] ? fleet : same}: write → reader p99 at ${count(rate)} writes/s (time, yracer/peer)`,
        p99(y) ?? notRun,
        (peer) => p99(stepOf(peer, rate)),
        (peer) => {
          const p = stepOf(peer, rate);
          return y && p && Number.isFinite(y.p99) && Number.isFinite(p.p99) ? formatRatio(y.p99 / p.p99) : null;
        },
        notRun,
      ),
    );
  }
  for (const rate of RATES) {
    const y = stepOf('yracer', rate);
    const cpu = (step: PeerStep | undefined): string | null => (step ? `${us(step.serverUsPerWrite)}/write (clients ${us(step.clientUsPerWrite)})` : null);
    out.push(
      row(
        rate === RATES[0]
          ? `${same}: server process CPU per write at ${count(rate)} writes/s (\`process.cpuUsage()\` of the server's process from the first write until ${STORE_TAIL_MS / 1000} s after the last arrived, so Hocuspocus's debounced store counts; per write issued; in parentheses the benchmark process's CPU per write, all ${CLIENTS} clients, until the last write arrived; ratio of the server figures, yracer/peer)`
          : `${same}: server process CPU per write at ${count(rate)} writes/s (yracer/peer)`,
        cpu(y) ?? notRun,
        (peer) => cpu(stepOf(peer, rate)),
        (peer) => {
          const p = stepOf(peer, rate);
          return y && p ? formatRatio(y.serverUsPerWrite / p.serverUsPerWrite) : null;
        },
        notRun,
      ),
    );
  }
  const top = RATES[RATES.length - 1] as number;
  const cap = (system: System): string => {
    const value = capacity[system] ?? 0;
    if (value === 0) return `< ${count(RATES[0])} writes/s`;
    return value === top ? `≥ ${count(top)} writes/s (every step)` : `${count(value)} writes/s`;
  };
  out.push(
    row(
      `${same}: capacity = the highest step (of ${RATES.map(count).join(', ')} writes/s) with write → reader p99 < ${P99_LIMIT_MS} ms and ≥ 95% of the rate issued (yracer/peer: above 1, yracer sustains more)`,
      cap('yracer'),
      cap,
      (peer) => {
        const [y, p] = [capacity['yracer'] ?? 0, capacity[peer] ?? 0];
        if (!y || !p) return null;
        const ratio = formatRatio(y / p);
        if (y === top && p === top) return `${ratio} (both passed every step)`;
        // A system that passed every step may sustain more: its side of the ratio is a lower bound.
        if (y === top) return `≥ ${ratio}`;
        return p === top ? `≤ ${ratio}` : ratio;
      },
    ),
  );
  return out;
}

function memoryRow(memory: Readonly<Record<System, MemoryResult>>): Row {
  const rooms = (result: MemoryResult): string => (result.rooms >= 0 ? `, ${count(result.rooms)} documents held` : '');
  return row(
    `server heap per loaded idle document: ${count(MEMORY_DOCS)} documents each opened by a client and written once (\`n = i\`), then idle 3 s; heapUsed growth after gc in the server's process, per document. One connection for all of them (yracer, Hocuspocus, ShareDB multiplex), y-websocket a connection per document (yracer/peer)`,
    `${kib(memory.yracer.perDoc)}/doc${rooms(memory.yracer)}`,
    (peer) => `${kib(memory[peer].perDoc)}/doc${rooms(memory[peer])}`,
    (peer) => formatRatio(memory.yracer.perDoc / memory[peer].perDoc),
  );
}

/** Every row of the peers bench. */
export function peerRows(results: PeerResults): Row[] {
  return [
    { benchmark: `peers: what one write is in each system (every peers row below; clients in the benchmark's process, each server in its own, loopback WebSockets)`, yracer: 'stored, acked, no rules', baseline: PER_WRITE, ratio: '—', target: '—', met: null },
    ...pairRows(results.pair),
    ...fanoutRows(results.fanout),
    ...capacityRows(results.capacity),
    memoryRow(results.memory),
  ];
}
