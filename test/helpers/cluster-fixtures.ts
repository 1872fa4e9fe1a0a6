/**
 * Several sync servers sharing one store, as separate processes would: each
 * with its own storage handle on the same data and its own fan-out, all
 * connected through an in-process hub (or through Redis and Postgres in the
 * multi-process tests).
 */
import { join } from 'node:path';
import type { Fanout } from '../../src/fanout/fanout.ts';
import { memoryFanoutHub, type MemoryFanoutHub } from '../../src/fanout/memory-fanout.ts';
import type { ServerOptions, Storage } from '../../src/server/index.ts';
import { sqliteStorage } from '../../src/storage/sqlite-storage.ts';
import { tempDir } from './client-fixtures.ts';
import type { Resources } from './server-fixtures.ts';
import { startServer, type TestServer } from './sync-fixtures.ts';

/** A started cluster. */
export interface Cluster {
  readonly servers: readonly TestServer[];
  readonly hub: MemoryFanoutHub;
  /** The shared database file. */
  readonly file: string;
  /** Opens another handle on the shared store (to inspect it). */
  storage(): Storage;
}

/** Options of `startCluster`. */
export interface ClusterOptions {
  /** Options of every server (storage and fan-out are the cluster's). */
  readonly server?: Partial<ServerOptions>;
  /** Wraps each server's fan-out (to drop messages, say). */
  readonly wrapFanout?: (fanout: Fanout, index: number) => Fanout;
  /** Wraps each server's storage handle (to hold its writes, say). */
  readonly wrapStorage?: (storage: Storage, index: number) => Storage;
}

/** Starts `count` servers on one SQLite file, connected by a memory fan-out hub; closed after the test. */
export async function startCluster(resources: Resources, count: number, options: ClusterOptions = {}): Promise<Cluster> {
  const temp = tempDir('yracer-cluster-');
  resources.defer(() => temp.remove());
  const file = join(temp.dir, 'shared.db');
  const hub = memoryFanoutHub();
  const servers: TestServer[] = [];
  for (let i = 0; i < count; i++) {
    const fanout = options.wrapFanout ? options.wrapFanout(hub.connect(), i) : hub.connect();
    const server = await startServer({ fanoutPollMs: 100, jsonRepairMs: 200, ...options.server, storage: options.wrapStorage ? options.wrapStorage(sqliteStorage(file), i) : sqliteStorage(file), fanout });
    resources.server(server);
    servers.push(server);
  }
  return {
    servers,
    hub,
    file,
    storage: () => {
      const storage = sqliteStorage(file);
      resources.defer(() => storage.close());
      return storage;
    },
  };
}
