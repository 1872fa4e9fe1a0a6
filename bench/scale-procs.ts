/**
 * What scale.bench.ts runs on: server groups (scale-server.child.ts: one
 * process, or a `node:cluster` of workers), fresh Postgres schemas and Redis
 * channel prefixes per run (dropped and checked afterwards), and the CPU
 * time of the node servers (their own `process.cpuUsage()`), of this run's
 * Postgres backends (found by `application_name` in `pg_stat_activity`), of
 * every postgres process and of redis-server (`/proc/<pid>/stat`, pids from
 * `pgrep`; the last two are shared with whatever else uses them).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient } from '@redis/client';
import { BenchChild } from './bench-child.ts';
import type { GroupFigures, ProcessFigures, Started } from './scale-server.child.ts';

const serverScript = fileURLToPath(new URL('./scale-server.child.ts', import.meta.url));

/** Where Postgres and Redis are (YRACER_BENCH_POSTGRES / YRACER_BENCH_REDIS override). */
export const POSTGRES_URL = process.env['YRACER_BENCH_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env['YRACER_BENCH_REDIS'] ?? 'redis://127.0.0.1:6379';

/** A server group in a child process. */
export class ServerGroup {
  readonly label: string;
  readonly port: number;
  readonly #child: BenchChild;

  private constructor(label: string, child: BenchChild) {
    this.label = label;
    this.#child = child;
    this.port = (child.started as Started).port;
  }

  /** Starts scale-server.child.ts with these arguments and waits for its port. */
  static async start(label: string, args: readonly string[]): Promise<ServerGroup> {
    return new ServerGroup(label, await BenchChild.start(`server ${label}`, serverScript, args));
  }

  /** The multiplexed endpoint, naming the client (`?c=`) so the server records which process it reached. */
  url(client: string): string {
    return `ws://127.0.0.1:${this.port}/?c=${encodeURIComponent(client)}`;
  }

  /** Every process's figures (`clients`: with the client names each saw). */
  async figures(command: 'cpu' | 'clients' | 'settle' = 'cpu'): Promise<readonly ProcessFigures[]> {
    return (await this.#child.command<GroupFigures>(command, 30_000)).processes;
  }

  /** Closes the servers and waits for the process to exit. */
  close(): Promise<void> {
    return this.#child.close();
  }
}

/** CPU time of a set of processes, in µs. */
export const cpuOf = (processes: readonly ProcessFigures[]): number => processes.reduce((sum, p) => sum + p.userUs + p.systemUs, 0);

/** The CPU of what serves the node servers, at one moment, in clock ticks per pid. */
export interface BackingCpu {
  /** This run's Postgres backends. */
  readonly ours: ReadonlyMap<number, number>;
  /** Every postgres process, plus (pid 0) the children the postmaster has reaped. */
  readonly postgres: ReadonlyMap<number, number>;
  readonly redis: ReadonlyMap<number, number>;
}

const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);

/** utime + stime (and cutime + cstime) of a pid, in ticks; null when it is gone. */
function ticks(pid: number): { own: number; children: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return { own: (fields[11] ?? 0) + (fields[12] ?? 0), children: (fields[13] ?? 0) + (fields[14] ?? 0) };
  } catch {
    return null;
  }
}

function pgrep(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // none running (pgrep exits 1)
  }
}

function snapshot(pids: readonly number[], withChildren: boolean): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const t = ticks(pid);
    if (!t) continue;
    out.set(pid, t.own);
    // The postmaster (the oldest) has reaped backends that exited: their CPU is in its cutime.
    if (withChildren && pid === Math.min(...pids)) out.set(0, t.children);
  }
  return out;
}

/** CPU between two snapshots, in µs (pids that appeared count in full). */
export function backingDelta(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, value] of after) sum += value - (before.get(pid) ?? 0);
  return sum * TICK_US;
}

/** One run's Postgres schemas and Redis prefix, and the admin connection that creates, watches and drops them. */
export class Backing {
  readonly run = `yb${process.pid.toString(36)}${Date.now().toString(36)}`;
  /** The Redis channel prefix of this run (every group's prefix starts with it). */
  readonly prefix = `${this.run}:`;
  readonly #admin = new pg.Client({ connectionString: POSTGRES_URL, application_name: 'yracer-bench-admin' });
  readonly #schemas: string[] = [];
  #connected = false;

  /** A fresh schema name of this run (created by the server's migrations, dropped by `cleanup`). */
  schema(name: string): string {
    const schema = `${this.run}_${name}`;
    this.#schemas.push(schema);
    return schema;
  }

  /** The Redis channel prefix of one group of processes sharing a schema (groups must not hear each other). */
  channels(name: string): string {
    return `${this.prefix}${name}:`;
  }

  /** The `application_name` of a server group's pool (its backends are counted as this run's). */
  app(name: string): string {
    return `${this.run}-${name}`;
  }

  /** A CPU snapshot of this run's backends, every postgres process and redis-server. */
  async cpu(): Promise<BackingCpu> {
    if (!this.#connected) {
      await this.#admin.connect();
      this.#connected = true;
    }
    const { rows } = await this.#admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1', [`${this.run}-%`]);
    return {
      ours: snapshot(rows.map((row) => row.pid), false),
      postgres: snapshot(pgrep('postgres'), true),
      redis: snapshot(pgrep('redis-server'), false),
    };
  }

  /** Drops every schema of this run and any Redis key under its prefix; returns what was left in Redis (keys, channels). */
  async cleanup(): Promise<string> {
    if (!this.#connected) {
      await this.#admin.connect();
      this.#connected = true;
    }
    for (const schema of this.#schemas) await this.#admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await this.#admin.end();
    const redis = createClient({ url: REDIS_URL });
    redis.on('error', () => undefined);
    await redis.connect();
    try {
      let keys = 0;
      for await (const batch of redis.scanIterator({ MATCH: `${this.prefix}*`, COUNT: 1000 })) {
        const list = Array.isArray(batch) ? batch : [batch];
        if (list.length > 0) await redis.del(list);
        keys += list.length;
      }
      const channels = (await redis.pubSubChannels(`${this.prefix}*`)).length;
      return `${this.#schemas.length} schemas dropped; Redis: ${keys} keys deleted, ${channels} channels still subscribed`;
    } finally {
      await redis.quit().catch(() => undefined);
    }
  }
}
