import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisFanout, type RedisFanout, type RedisFanoutOptions } from '../../src/fanout/redis-fanout.ts';
import { REDIS_URL, adminClient, clientIds, killClients, probeRedis, subscriberCount, uniqueChannelPrefix, type AdminClient } from '../helpers/redis-fixtures.ts';
import { fanoutBehaviours, type TransportFixture } from './fanout-behaviours.ts';
import { Inbox, StatusLog, bytes, recordingLog, settle, whenUp, within } from './fanout-fixtures.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const available = await probeRedis();

describe.skipIf(!available)('redisFanout', () => {
  const prefix = uniqueChannelPrefix();
  const opened: RedisFanout[] = [];
  const proxies: TcpProxy[] = [];
  let admin: AdminClient;

  beforeAll(async () => {
    admin = await adminClient();
  });
  afterAll(() => admin.destroy());
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((fanout) => fanout.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });

  /** A fan-out (closed after the test), not yet connected. */
  const open = (options: Partial<RedisFanoutOptions> = {}): RedisFanout => {
    const fanout = redisFanout({ url: REDIS_URL, channelPrefix: prefix, log: () => {}, ...options });
    opened.push(fanout);
    return fanout;
  };
  const fixture = (): TransportFixture => ({
    async connect(options = {}) {
      const fanout = open(options);
      await whenUp(fanout);
      return fanout;
    },
    listening: (channel) => subscriberCount(admin, prefix + channel),
  });
  /** A proxy to Redis (closed after the test). */
  const proxy = async (): Promise<TcpProxy> => {
    const url = new URL(REDIS_URL);
    const port = Number(url.port || 6379);
    const started = await startTcpProxy(() => [port], url.hostname);
    proxies.push(started);
    return started;
  };

  fanoutBehaviours(fixture);

  it("re-subscribes and emits 'down' then 'up' when Redis kills its connections", async () => {
    const { lines, log } = recordingLog();
    const a = await fixture().connect({ log });
    const b = await fixture().connect();
    const statuses = new StatusLog(a);
    const inbox = new Inbox();
    a.subscribe('ch', inbox.listener);
    await settle(a);
    expect(await clientIds(admin, a.process)).toHaveLength(2); // 'pub' and 'sub'

    expect(await killClients(admin, `${a.process}:sub`)).toBe(1);
    await statuses.waitFor(['down', 'up']);
    expect(await subscriberCount(admin, `${prefix}ch`)).toBe(1);
    b.publish('ch', bytes('after the subscriber was killed'));
    await inbox.waitFor(1);

    // One connection at a time: killing both at once may show 'up' in between
    // (one client back before the other noticed), which is allowed but not testable.
    expect(await killClients(admin, `${a.process}:pub`)).toBe(1);
    await statuses.waitFor(['down', 'up', 'down', 'up']);
    const bInbox = new Inbox();
    b.subscribe('ch', bInbox.listener);
    await settle(b);
    a.publish('ch', bytes('from a, after its publisher was killed'));
    await bInbox.waitFor(1);
    expect(inbox.texts).toEqual(['after the subscriber was killed']);
    expect(statuses.statuses).toEqual(['down', 'up', 'down', 'up']);
    expect(lines.filter((line) => line.startsWith('warn:') && line.includes('lost the connection'))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('info:') && line.includes('reconnected'))).toHaveLength(2);
  });

  it('drops publishes during an outage at once (nothing queued, nothing replayed), logs it once, and applies the subscription changes made meanwhile', async () => {
    const redis = await proxy();
    const { lines, log } = recordingLog();
    const a = open({ url: `redis://127.0.0.1:${redis.port}`, log, maxReconnectDelayMs: 100 });
    await whenUp(a);
    const b = await fixture().connect();
    const statuses = new StatusLog(a);
    const [kept, late, listener] = [new Inbox(), new Inbox(), new Inbox()];
    a.subscribe('kept', kept.listener);
    const stopLeft = a.subscribe('left', () => {});
    b.subscribe('news', listener.listener);
    await settle(a, b);

    redis.setDown(true);
    await statuses.waitFor(['down']);
    expect(a.connected).toBe(false);
    const payload = new Uint8Array(4096).fill(1);
    const memoryBefore = process.memoryUsage().arrayBuffers;
    const droppedBefore = a.dropped;
    for (let i = 0; i < 20_000; i++) a.publish('news', payload); // 80 MB if anything kept them
    expect(a.dropped - droppedBefore).toBe(20_000);
    expect(process.memoryUsage().arrayBuffers - memoryBefore).toBeLessThan(16 * 1024 * 1024);
    a.subscribe('late', late.listener);
    stopLeft();

    redis.setDown(false);
    await statuses.waitFor(['down', 'up']);
    await settle(a); // the changes made during the outage
    expect(await subscriberCount(admin, `${prefix}late`)).toBe(1);
    expect(await subscriberCount(admin, `${prefix}left`)).toBe(0);
    expect(await subscriberCount(admin, `${prefix}kept`)).toBe(1);
    b.publish('kept', bytes('k'));
    b.publish('late', bytes('l'));
    a.publish('news', bytes('fresh'));
    await Promise.all([kept.waitFor(1), late.waitFor(1), listener.waitFor(1)]);
    expect(listener.texts).toEqual(['fresh']);
    expect(lines.filter((line) => line.startsWith('warn:'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^info: fan-out: reconnected to Redis after [\d.]+ s \(20000 messages dropped meanwhile\)$/);
  });

  it('starts while Redis is unreachable: logs one line, drops publishes, and connects once it is reachable', async () => {
    const redis = await proxy();
    redis.setDown(true);
    const { lines, log } = recordingLog();
    const a = open({ url: `redis://127.0.0.1:${redis.port}`, log, maxReconnectDelayMs: 50 });
    const inbox = new Inbox();
    a.subscribe('ch', inbox.listener);
    expect(() => a.publish('ch', bytes('too early'))).not.toThrow();
    await within(redis.attempts(6), 3000, 'six connection attempts'); // both clients, three times
    expect(a.connected).toBe(false);
    expect(a.dropped).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^warn: fan-out: cannot reach Redis \(.+\); retrying/)]);

    redis.setDown(false);
    await whenUp(a);
    await settle(a);
    const b = await fixture().connect();
    b.publish('ch', bytes('hello'));
    await inbox.waitFor(1);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('info: fan-out: connected to Redis');
  });

  it('drops the publishes beyond maxPendingPublishes while connected, and logs that once', async () => {
    const { lines, log } = recordingLog();
    const b = await fixture().connect();
    const inbox = new Inbox();
    b.subscribe('ch', inbox.listener);
    await settle(b);
    const bounded = open({ maxPendingPublishes: 10, log });
    await whenUp(bounded);
    for (let i = 0; i < 1000; i++) bounded.publish('ch', bytes(`m${i}`));
    await inbox.waitFor(10);
    expect(bounded.dropped).toBe(990);
    bounded.publish('ch', bytes('after'));
    await inbox.waitFor(11);
    expect(inbox.texts).toEqual([...Array.from({ length: 10 }, (_, i) => `m${i}`), 'after']);
    expect(lines.filter((line) => line.startsWith('warn:'))).toEqual(['warn: fan-out: dropping published messages (The queue is full)']);
  });

  it('ignores messages on its channels that are not yracer frames', async () => {
    const [a, b] = [await fixture().connect(), await fixture().connect()];
    const inbox = new Inbox();
    a.subscribe('ch', inbox.listener);
    await settle(a);
    await admin.publish(`${prefix}ch`, 'plain text from another program');
    await admin.publish(`${prefix}ch`, Buffer.from([1, 200, 0]));
    b.publish('ch', bytes('real'));
    await inbox.waitFor(1);
    expect(inbox.texts).toEqual(['real']);
  });

  it("releases everything on close(): no subscription or connection left on Redis, no 'down' emitted", async () => {
    const a = await fixture().connect();
    const statuses = new StatusLog(a);
    a.subscribe('ch', () => {});
    a.subscribe('other', () => {});
    await settle(a);
    expect(await subscriberCount(admin, `${prefix}ch`)).toBe(1);
    await a.close();
    expect(a.connected).toBe(false);
    expect(await subscriberCount(admin, `${prefix}ch`)).toBe(0);
    expect(await subscriberCount(admin, `${prefix}other`)).toBe(0);
    expect(await clientIds(admin, a.process)).toEqual([]);
    expect(statuses.statuses).toEqual([]);
    await within(a.settled(), 100, 'settled() after close()');
  });

  it('closes at once while Redis is unreachable', async () => {
    const redis = await proxy();
    redis.setDown(true);
    const a = open({ url: `redis://127.0.0.1:${redis.port}` });
    await redis.attempts(2);
    await within(a.close(), 1000, 'close()');
  });

  it('lets the process exit after close() (no socket or timer left behind)', async () => {
    const script = fileURLToPath(new URL('./redis-fanout-exit.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, REDIS_URL, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const code = await within(new Promise<number | null>((resolve) => child.on('exit', resolve)), 8000, 'the child process to exit');
      expect({ code, output }).toEqual({ code: 0, output: 'received 3 bytes\nclosed\n' });
    } finally {
      child.kill();
    }
  });
});
