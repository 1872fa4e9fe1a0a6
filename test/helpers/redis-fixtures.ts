/**
 * Helpers for tests against a real Redis: a probe that decides whether they
 * run (they SKIP, with one line on the console, when no Redis answers, and
 * FAIL instead when YRACER_REQUIRE_REDIS=1, as in CI), and an admin client
 * to look at and break the server's connections (PUBSUB NUMSUB, CLIENT KILL).
 */
import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from '@redis/client';

/** The Redis the tests use: YRACER_REDIS_URL, default redis://127.0.0.1:6379. */
export const REDIS_URL = process.env.YRACER_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A plain node-redis client. */
export type AdminClient = RedisClientType;

/**
 * Whether Redis answers PING within a second. When it does not: with
 * YRACER_REQUIRE_REDIS=1 throws (the test file fails), otherwise writes one
 * warning and returns false (call it with top-level await, then
 * `describe.skipIf(!available)`).
 */
export async function probeRedis(): Promise<boolean> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => {}); // connect() rejects with it
  let failure: unknown;
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    failure = error;
  } finally {
    client.destroy();
  }
  if (failure === undefined) return true;
  if (process.env.YRACER_REQUIRE_REDIS === '1') {
    throw new Error(`YRACER_REQUIRE_REDIS=1 but no Redis server answers at ${REDIS_URL}: ${String(failure)}`);
  }
  console.warn(`skipping Redis tests: no server at ${REDIS_URL}`);
  return false;
}

/** A connected admin client (destroy it after the tests). */
export async function adminClient(): Promise<AdminClient> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** A channel prefix no other test run uses (several worktrees may share one Redis). */
export const uniqueChannelPrefix = (): string => `yracer-test:${randomUUID()}:`;

/** How many connections Redis counts as subscribed to the channel (full Redis name, prefix included). */
export async function subscriberCount(admin: AdminClient, redisChannel: string): Promise<number> {
  const counts = await admin.pubSubNumSub(redisChannel);
  return Number(counts[redisChannel] ?? 0);
}

/** Ids of the connections whose client name contains `part` (a fan-out names its connections `yracer-fanout:<process>:pub|sub`). */
export async function clientIds(admin: AdminClient, part: string): Promise<number[]> {
  const clients = await admin.clientList();
  return clients.filter((client) => client.name.includes(part)).map((client) => client.id);
}

/** Kills the connections whose client name contains `part` (as `CLIENT KILL ID`); returns how many. */
export async function killClients(admin: AdminClient, part: string): Promise<number> {
  let killed = 0;
  for (const id of await clientIds(admin, part)) killed += await admin.clientKill({ filter: 'ID', id });
  return killed;
}
