/**
 * yracer against the systems a user would pick instead, side by side on the
 * same workloads:
 *
 * - yracer: its server (`yracer/server`) on `sqliteStorage` (a file in a
 *   temp dir, default durability `disk`: synchronous = FULL, commits in the
 *   commit thread), no access rules; clients are yracer models
 *   (sync-peers.ts). Also the same with durability `process`
 *   (synchronous = NORMAL, commits on the event loop), shown beside it.
 * - Hocuspocus 3.4 with `@hocuspocus/extension-sqlite` on a temp file;
 *   clients are `@hocuspocus/provider`s (peer-servers.ts, peers-clients.ts).
 * - y-websocket: @y/websocket-server's relay (in memory) with stock
 *   y-websocket providers (y-websocket-relay.ts, sync-peers.ts).
 * - ShareDB on its in-memory database over `ws`, clients are ShareDB
 *   connections writing json0 ops (peer-servers.ts, peers-clients.ts).
 *
 * Every server runs in a process of its own (sync-server.child.ts), the
 * clients in this one, over loopback WebSockets. Cases 1 and 2 alternate
 * the systems round by round (sync-rounds.ts: a warm-up round, then 7
 * timed rounds, each on fresh clients and a fresh document; medians over
 * the rounds); case 3 alternates them step by step; case 4 runs them one
 * after another.
 *
 * 1. (W3) Two clients: A writes `n`, B sees it. One write at a time
 *    (PAIR_SAMPLES a round; the next once B saw the previous): p50, p99;
 *    then SUSTAINED_WRITES back to back until B saw the last (updates/s);
 *    then, for systems with an acknowledgement, ACK_SAMPLES writes one at a
 *    time (the next once acknowledged and seen): write → ack p50, p99.
 * 2. (W4) 50 clients on one document, one writer: 200 writes one at a time
 *    (the next once all 49 others saw the previous): deliveries/s.
 * 3. (W5) Capacity: 200 clients over 100 documents, paced write rates in
 *    steps; write → reader p99 and server CPU per write per step
 *    (peers-capacity.ts).
 * 4. Server heap per loaded idle document (peers-memory.ts).
 *
 * About 3-4 minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from './harness.ts';
import { hocuspocusPeer, hocuspocusSession, sharedbPeer, sharedbSession } from './peers-clients.ts';
import { CLIENTS, DOCS, peerCapacity, PeerFleet } from './peers-capacity.ts';
import { memoryCase, perDocumentSession, yracerSession, type MemoryResult } from './peers-memory.ts';
import { peerRows } from './peers-rows.ts';
import { ACK_SAMPLES, FANOUT_CLIENTS, FANOUT_WRITES, PAIR_SAMPLES, SUSTAINED_WRITES, SYSTEMS, type System } from './peers-sizes.ts';
import { openPeers, relayPeer, ServerProcess, yracerPeer, type Peer, type PeerFactory } from './sync-peers.ts';
import { alternate, quantile, type Figures } from './sync-rounds.ts';
import { backToBack, closeAll, oneAtATime, Watch } from './sync-writes.ts';

const RECEIVERS = FANOUT_CLIENTS - 1;

const FACTORIES: Readonly<Record<System, PeerFactory>> = {
  yracer: yracerPeer,
  'yracer-process': yracerPeer,
  Hocuspocus: hocuspocusPeer,
  'y-websocket': relayPeer,
  ShareDB: sharedbPeer,
};

/** The server process's arguments (sync-server.child.ts), given the temp dir and a name for its files. */
function serverArgs(system: System, dir: string, name: string): string[] {
  switch (system) {
    case 'yracer':
      return ['yracer', join(dir, `${name}-yracer.db`), '--unload-delay-ms=100'];
    case 'yracer-process':
      return ['yracer', join(dir, `${name}-yracer-process.db`), '--unload-delay-ms=100', '--durability=process'];
    case 'Hocuspocus':
      return ['hocuspocus', join(dir, `${name}-hocuspocus.db`)];
    case 'y-websocket':
      return ['relay'];
    case 'ShareDB':
      return ['sharedb'];
  }
}

/** One round of case 1: fresh A and B on a fresh document. */
function pairRound(server: ServerProcess, factory: PeerFactory): (round: number) => Promise<Figures> {
  return async (round) => {
    const peers = await openPeers(factory, server.url, `pair${round}`, 2, 0);
    const [a, b] = peers as [Peer, Peer];
    try {
      const watch = new Watch([b]);
      const latency = await oneAtATime(a, watch, 1, 1, PAIR_SAMPLES, false);
      const sustained = await backToBack(a, watch, 100_000, SUSTAINED_WRITES, false);
      const figures: Record<string, number> = {
        p50: quantile(latency.latencies, 0.5),
        p99: quantile(latency.latencies, 0.99),
        perSecond: (SUSTAINED_WRITES * 1000) / sustained.seenMs,
      };
      if (a.writeAcked) {
        const acked = await oneAtATime(a, watch, 1, 200_000, ACK_SAMPLES, true);
        figures['ackP50'] = quantile(acked.acks, 0.5);
        figures['ackP99'] = quantile(acked.acks, 0.99);
      }
      return figures;
    } finally {
      await closeAll(peers, server);
    }
  };
}

/** One round of case 2: 50 fresh clients on a fresh document, one writer. */
function fanoutRound(server: ServerProcess, factory: PeerFactory): (round: number) => Promise<Figures> {
  return async (round) => {
    const peers = await openPeers(factory, server.url, `fan${round}`, FANOUT_CLIENTS, 0);
    try {
      const watch = new Watch(peers.slice(1));
      const run = await oneAtATime(peers[0] as Peer, watch, RECEIVERS, 1, FANOUT_WRITES, false);
      return { deliveriesPerSecond: (RECEIVERS * FANOUT_WRITES * 1000) / run.totalMs, p99: quantile(run.latencies, 0.99) };
    } finally {
      await closeAll(peers, server);
    }
  };
}

/** Case 3 on running servers: opens a fleet per system, steps them up, closes the fleets. */
async function capacityCase(servers: Readonly<Record<System, ServerProcess>>): Promise<Awaited<ReturnType<typeof peerCapacity>>> {
  const fleets: Partial<Record<System, PeerFleet>> = {};
  try {
    for (const system of SYSTEMS) {
      const started = performance.now();
      fleets[system] = await PeerFleet.open(servers[system], FACTORIES[system], 'cap');
      process.stderr.write(`  capacity: ${CLIENTS} ${system} clients on ${DOCS} documents open in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
    return await peerCapacity(fleets as Record<System, PeerFleet>);
  } finally {
    for (const [system, fleet] of Object.entries(fleets)) await fleet.closeAndSettle().catch(() => servers[system as System].close());
  }
}

/** Runs the peers benchmarks and returns their table rows. */
export async function run(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'yracer-peers-'));
  const running: ServerProcess[] = [];
  const maxListeners = process.getMaxListeners();
  // Every y-websocket provider adds a process 'exit' listener: the memory case opens 2,000 of them.
  process.setMaxListeners(Math.max(maxListeners, 2_500));
  try {
    const started = await Promise.all(SYSTEMS.map((system) => ServerProcess.start(system, serverArgs(system, dir, 'run'))));
    running.push(...started);
    const servers = Object.fromEntries(SYSTEMS.map((system, i) => [system, started[i] as ServerProcess])) as Record<System, ServerProcess>;
    const byServer = (round: (server: ServerProcess, factory: PeerFactory) => (r: number) => Promise<Figures>) =>
      Object.fromEntries(SYSTEMS.map((system) => [system, round(servers[system], FACTORIES[system])]));

    const pair = await alternate({ name: 'W3: two clients, A writes, B sees it', runs: byServer(pairRound), budgetMs: 150_000 });
    const fanout = await alternate({ name: `W4: ${FANOUT_CLIENTS} clients on one document, one writer`, runs: byServer(fanoutRound), budgetMs: 120_000 });
    const capacity = await capacityCase(servers);
    await Promise.all(running.splice(0).map((server) => server.close()));

    // Durability does not change what an idle document holds: the memory case runs yracer once.
    const sessions: Readonly<Record<Exclude<System, 'yracer-process'>, (url: string) => ReturnType<typeof yracerSession>>> = {
      yracer: yracerSession,
      Hocuspocus: hocuspocusSession,
      'y-websocket': (url) => perDocumentSession(relayPeer, url),
      ShareDB: sharedbSession,
    };
    const memory = {} as Record<Exclude<System, 'yracer-process'>, MemoryResult>;
    for (const system of SYSTEMS) {
      if (system !== 'yracer-process') memory[system] = await memoryCase(system, serverArgs(system, dir, 'memory'), sessions[system]);
    }
    return peerRows({ pair, fanout, capacity, memory });
  } finally {
    await Promise.all(running.map((server) => server.close()));
    process.setMaxListeners(maxListeners);
    rmSync(dir, { recursive: true, force: true });
  }
}
