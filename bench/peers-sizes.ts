/** The peers bench's systems and workload sizes (peers.bench.ts runs them, peers-rows.ts describes them). */

/**
 * The systems, in the order of the table: yracer (default durability
 * `disk`), yracer with durability `process`, then the peers.
 */
export const SYSTEMS = ['yracer', 'yracer-process', 'Hocuspocus', 'y-websocket', 'ShareDB'] as const;
/** One of the systems. */
export type System = (typeof SYSTEMS)[number];
/** yracer's two configurations. */
export type Yracer = Extract<System, 'yracer' | 'yracer-process'>;
/** The systems yracer is compared with. */
export const PEERS = SYSTEMS.slice(2) as ReadonlyArray<Exclude<System, Yracer>>;

/** W3: writes one at a time per round, writes back to back, acknowledged writes one at a time. */
export const PAIR_SAMPLES = 300;
export const SUSTAINED_WRITES = 2_000;
export const ACK_SAMPLES = 100;
/** W4: clients on the document (one writer), writes one at a time. */
export const FANOUT_CLIENTS = 50;
export const FANOUT_WRITES = 200;
