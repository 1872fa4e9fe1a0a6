/**
 * The table rows of peers.bench.ts: one row per figure, yracer's value in
 * the `yracer` column (the default durability `disk`, and in parentheses
 * durability `process`), every peer's value in `baseline` and the ratios
 * yracer/peer (with, for the alternated cases, the smallest and largest
 * ratio within one round; in parentheses durability `process`'s ratio) in
 * `ratio`. Rows with a target judge the default durability.
 */
import { formatMs, formatRatio, type Row } from './harness.ts';
import type { PeerCapacity, PeerStep } from './peers-capacity.ts';
import { CLIENTS, DOCS, P99_LIMIT_MS, RATES, STEP_MS, STORE_TAIL_MS } from './peers-capacity.ts';
import { MEMORY_DOCS, type MemoryResult } from './peers-memory.ts';
import { ACK_SAMPLES, FANOUT_CLIENTS, FANOUT_WRITES, PAIR_SAMPLES, PEERS, SUSTAINED_WRITES, type System, type Yracer } from './peers-sizes.ts';
import type { Alternation } from './sync-rounds.ts';

/** What peers.bench.ts measured. */
export interface PeerResults {
  readonly pair: Alternation;
  readonly fanout: Alternation;
  readonly capacity: PeerCapacity;
  readonly memory: Readonly<Record<Exclude<System, 'yracer-process'>, MemoryResult>>;
}

type Peer = (typeof PEERS)[number];

const count = (value: number): string => value.toLocaleString('en-US');
const perSecond = (value: number, unit: string): string => `${value >= 1e3 ? `${(value / 1e3).toPrecision(3)}k` : value.toPrecision(3)} ${unit}/s`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;
const us = (value: number): string => `${value.toPrecision(3)} µs`;

/** What a write is in each system (the first row says it; the others refer to it). */
const PER_WRITE =
  'yracer: stored in SQLite, then acknowledged (set callback): with durability disk (default) a commit with synchronous = FULL in the commit thread (survives a power loss), with durability process synchronous = NORMAL on the event loop (survives a crash of the process); ' +
  'Hocuspocus: applied in memory and acknowledged as such (SyncStatus), stored to SQLite (whole document) 2 s after its last change, no storage ack; ' +
  'y-websocket: applied in memory, never stored, no ack; ' +
  'ShareDB: committed to its in-memory database (op log + snapshot), then acknowledged (submitOp callback); ' +
  'access: none checks it (yracer without rules, Hocuspocus without onAuthenticate, ShareDB without middleware)';

/** A target of a row: what it asks, and whether the default durability meets it. */
interface Target {
  readonly text: string;
  readonly met: boolean;
}

/** A row over every peer; `value(p)` null: the peer has no such figure (`missing` says why). */
function row(
  benchmark: string,
  yracer: string,
  value: (peer: Peer) => string | null,
  ratio: (peer: Peer) => string | null,
  missing = 'n/a',
  target?: Target,
): Row {
  return {
    benchmark,
    yracer,
    baseline: PEERS.map((peer) => `${peer}: ${value(peer) ?? missing}`).join('; '),
    ratio: PEERS.map((peer) => `${peer}: ${ratio(peer) ?? '—'}`).join('; '),
    target: target?.text ?? '—',
    met: target ? target.met : null,
  };
}

/** yracer's value with its durability `process` value beside it. */
const both = (format: (system: Yracer) => string): string => `${format('yracer')} (durability process: ${format('yracer-process')})`;

/** A row of one figure of an alternated case, yracer against every peer. */
function alternated(benchmark: string, alt: Alternation, figure: string, format: (value: number) => string, target?: (ratio: (peer: Peer) => number) => Target): Row {
  const ratioOf = (system: Yracer, peer: Peer): string =>
    formatRatio(alt.ratio([system, figure], [peer, figure]), system === 'yracer' ? alt.ratioRange([system, figure], [peer, figure]) : undefined);
  return row(
    benchmark,
    both((system) => format(alt.median(system, figure))),
    (peer) => format(alt.median(peer, figure)),
    (peer) => `${ratioOf('yracer', peer)} (process: ${ratioOf('yracer-process', peer)})`,
    'n/a',
    target?.((peer) => alt.ratio(['yracer', figure], [peer, figure])),
  );
}

function pairRows(pair: Alternation): Row[] {
  const head = `W3, two clients on a fresh document (${PAIR_SAMPLES} writes a round, one at a time: A writes \`n\`, the next once B saw it)`;
  const ackOf = (peer: Peer, figure: string): string | null => {
    if (peer === 'y-websocket') return null;
    const value = formatMs(pair.median(peer, figure));
    return peer === 'Hocuspocus' ? `no storage ack (its in-memory ack: ${value})` : value;
  };
  const ackRatio = (peer: Peer, figure: string): string | null => {
    if (peer === 'y-websocket') return null;
    const of = (system: Yracer): string => formatRatio(pair.ratio([system, figure], [peer, figure]), system === 'yracer' ? pair.ratioRange([system, figure], [peer, figure]) : undefined);
    return `${of('yracer')} (process: ${of('yracer-process')})${peer === 'Hocuspocus' ? ' (vs in-memory ack)' : ''}`;
  };
  const ackRow = (figure: 'ackP50' | 'ackP99', label: string): Row =>
    row(
      figure === 'ackP50'
        ? `W3, the same two clients, write → acknowledgement p50, ${ACK_SAMPLES} writes a round one at a time (the next once acknowledged and seen by B): yracer \`model.set(path, i, callback)\` until the callback (stored), ShareDB \`submitOp(op, callback)\` (committed in memory), Hocuspocus has no storage ack (its provider's \`unsyncedChanges\` back to 0: applied in memory), y-websocket none (time, yracer/peer)`
        : `W3, write → acknowledgement ${label}, as above (time, yracer/peer)`,
      both((system) => formatMs(pair.median(system, figure))),
      (peer) => ackOf(peer, figure),
      (peer) => ackRatio(peer, figure),
      'no ack',
    );
  return [
    alternated(`${head}: A → B latency p50, from the write call to B's change event (time, yracer/peer)`, pair, 'p50', formatMs, (ratio) => ({
      text: '≤ 1.0x Hocuspocus and ≤ 1.2x y-websocket',
      met: ratio('Hocuspocus') <= 1 && ratio('y-websocket') <= 1.2,
    })),
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
      (ratio) => ({ text: '≥ 1.0x y-websocket', met: ratio('y-websocket') >= 1 }),
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
  /** yracer's figure of a step (both durabilities) and its ratios to a peer's. */
  const yracerOf = (rate: number, show: (step: PeerStep | undefined) => string | null): string => both((system) => show(stepOf(system, rate)) ?? notRun);
  const ratiosOf = (rate: number, peer: Peer, figure: (step: PeerStep) => number): string | null => {
    const p = stepOf(peer, rate);
    const of = (system: Yracer): string | null => {
      const y = stepOf(system, rate);
      return y && p && Number.isFinite(figure(y)) && Number.isFinite(figure(p)) ? formatRatio(figure(y) / figure(p)) : null;
    };
    const disk = of('yracer');
    return disk === null ? null : `${disk} (process: ${of('yracer-process') ?? '—'})`;
  };
  for (const rate of RATES) {
    const p99 = (step: PeerStep | undefined): string | null => (step ? `${formatMs(step.p99)} (issued ${count(Math.round(step.achieved))}/s)` : null);
    out.push(
      row(
        `${rate === RATES[0] ? fleet : same}: write → reader p99 at ${count(rate)} writes/s (time, yracer/peer)`,
        yracerOf(rate, p99),
        (peer) => p99(stepOf(peer, rate)),
        (peer) => ratiosOf(rate, peer, (step) => step.p99),
        notRun,
      ),
    );
  }
  for (const rate of RATES) {
    const y = stepOf('yracer', rate);
    const hocuspocus = stepOf('Hocuspocus', rate);
    const cpu = (step: PeerStep | undefined): string | null => (step ? `${us(step.serverUsPerWrite)}/write (clients ${us(step.clientUsPerWrite)})` : null);
    out.push(
      row(
        rate === RATES[0]
          ? `${same}: server process CPU per write at ${count(rate)} writes/s (\`process.cpuUsage()\` of the server's process from the first write until ${STORE_TAIL_MS / 1000} s after the last arrived, so Hocuspocus's debounced store counts; per write issued; in parentheses the benchmark process's CPU per write, all ${CLIENTS} clients, until the last write arrived; ratio of the server figures, yracer/peer)`
          : `${same}: server process CPU per write at ${count(rate)} writes/s (yracer/peer)`,
        yracerOf(rate, cpu),
        (peer) => cpu(stepOf(peer, rate)),
        (peer) => ratiosOf(rate, peer, (step) => step.serverUsPerWrite),
        notRun,
        rate === 1_000 ? { text: '≤ 1.0x Hocuspocus', met: y !== undefined && hocuspocus !== undefined && y.serverUsPerWrite <= hocuspocus.serverUsPerWrite } : undefined,
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
      both(cap),
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
      'n/a',
      { text: "≥ every peer's", met: PEERS.every((peer) => (capacity['yracer'] ?? 0) >= (capacity[peer] ?? 0)) },
    ),
  );
  return out;
}

function memoryRow(memory: PeerResults['memory']): Row {
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
    { benchmark: `peers: what one write is in each system (every peers row below; clients in the benchmark's process, each server in its own, loopback WebSockets)`, yracer: 'stored, acked, no rules (durability disk; in parentheses durability process)', baseline: PER_WRITE, ratio: '—', target: '—', met: null },
    ...pairRows(results.pair),
    ...fanoutRows(results.fanout),
    ...capacityRows(results.capacity),
    memoryRow(results.memory),
  ];
}
