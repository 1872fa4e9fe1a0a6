/**
 * `server.changes()` (change-feed.ts, change-stream.ts): catching up on what
 * was stored while a consumer was away, continuing live, no seq missed or
 * repeated when writes race with the catch-up, retention, ending on `break`
 * and on close, bad arguments, SQLite across a restart, and two servers on
 * one Postgres with a Redis fan-out (skipped with one line each when they do
 * not answer; YRACER_REQUIRE_POSTGRES=1 / YRACER_REQUIRE_REDIS=1 fail instead).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Model } from '../../src/index.ts';
import { createServer, memoryStorage, redisFanout, sqliteStorage, type FeedChange, type ChangeStream, type Storage } from '../../src/server/index.ts';
import { ChangeFeed, resolveChangeFeedOptions } from '../../src/server/change-feed.ts';
import type { ChangeLog } from '../../src/storage/change-log.ts';
import { Opened, tempDir } from '../helpers/client-fixtures.ts';
import { startCluster } from '../helpers/cluster-fixtures.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { probeRedis, REDIS_URL, uniqueChannelPrefix } from '../helpers/redis-fixtures.ts';
import { deferred, eventually, useResources, within } from '../helpers/server-fixtures.ts';
import { client, type TestServer } from '../helpers/sync-fixtures.ts';
import type { Fanout } from '../../src/fanout/fanout.ts';

const redisAvailable = await probeRedis();
const opened = new Opened();
afterEach(() => opened.closeAll());
const pg = postgresScope();
const resources = useResources();

/** Sets a value and resolves once the server stored it. */
async function stored(model: Model, write: (model: Model) => void): Promise<void> {
  write(model);
  await model.whenNothingPending();
}

/** The next `count` items of a stream (fails after a while when they do not come). */
async function take(stream: ChangeStream, count: number, what = `${count} changes`): Promise<FeedChange[]> {
  const items: FeedChange[] = [];
  while (items.length < count) {
    const next = await within(stream.next(), 5000, what);
    if (next.done) throw new Error(`the stream ended after ${items.length} of ${what}`);
    items.push(next.value);
  }
  return items;
}

const short = (change: FeedChange): unknown => ({ seq: change.seq, id: change.id, version: change.version, value: change.value, ...(change.deleted ? { deleted: true } : {}) });

describe('server.changes()', () => {
  it('yields what was stored while the consumer was away, then continues live', async () => {
    const t = await opened.serve({ changeFeed: true });
    const writer = opened.connect(t.url);
    await stored(writer, (m) => m.add('todos', { id: 'a', n: 1 }));
    await stored(writer, (m) => m.add('todos', { id: 'b', n: 1 }));
    await stored(writer, (m) => m.set('todos.a.n', 2));
    await stored(writer, (m) => m.add('notes', { id: 'x' }));
    const stream = t.server.changes('todos');
    expect((await take(stream, 3)).map(short)).toEqual([
      { seq: 1, id: 'a', version: 1, value: { id: 'a', n: 1 } },
      { seq: 2, id: 'b', version: 1, value: { id: 'b', n: 1 } },
      { seq: 3, id: 'a', version: 2, value: { id: 'a', n: 2 } },
    ]);
    const live = stream.next();
    await stored(writer, (m) => m.del('todos.b'));
    const item = await within(live, 5000, 'the live change');
    expect(item.done ? null : short(item.value)).toEqual({ seq: 4, id: 'b', version: 2, value: undefined, deleted: true });
    expect(item.done ? 0 : item.value.collection).toBe('todos');
    await stream.return();
  });

  it('resumes after the seq given as since', async () => {
    const t = await opened.serve({ changeFeed: true });
    const writer = opened.connect(t.url);
    for (const id of ['a', 'b', 'c']) await stored(writer, (m) => m.add('todos', { id }));
    const stream = t.server.changes('todos', { since: 2 });
    expect((await take(stream, 1)).map((change) => [change.seq, change.id])).toEqual([[3, 'c']]);
    await stream.return();
  });

  it('misses and repeats no seq when writes race with the catch-up', async () => {
    const t = await opened.serve({ changeFeed: true });
    const writer = opened.connect(t.url);
    const N = 60;
    for (let i = 0; i < 20; i++) writer.add('todos', { id: `d${i}`, i });
    await writer.whenNothingPending();
    const stream = t.server.changes('todos');
    const reading = take(stream, N);
    // More writes while the consumer catches up (each document once: one change each).
    for (let i = 20; i < N; i++) writer.add('todos', { id: `d${i}`, i });
    const items = await reading;
    expect(items.map((change) => change.seq)).toEqual([...Array(N)].map((_, i) => i + 1));
    expect(new Set(items.map((change) => change.id)).size).toBe(N);
    await stream.return();
  });

  it('ends on break (a pending next() resolves done) and when the server closes', async () => {
    const t = await opened.serve({ changeFeed: true });
    const writer = opened.connect(t.url);
    await stored(writer, (m) => m.add('todos', { id: 'a' }));
    const seen: number[] = [];
    for await (const change of t.server.changes('todos')) {
      seen.push(change.seq);
      break;
    }
    expect(seen).toEqual([1]);
    const stream = t.server.changes('todos', { since: 1 });
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    const open = t.server.changes('todos', { since: 1 });
    const waiting = open.next();
    await t.server.close();
    expect(await within(waiting, 5000, 'the end at close')).toEqual({ value: undefined, done: true });
    expect(() => t.server.changes('todos')).toThrow(/the server is closed/);
  });

  it('refuses bad arguments with errors that say what was wrong, and keeps serving', async () => {
    const t = await opened.serve({ changeFeed: true });
    expect(() => t.server.changes('')).toThrow(/"" is not a valid collection name/);
    expect(() => t.server.changes('a/b')).toThrow(/"a\/b" is not a valid collection name/);
    expect(() => t.server.changes(42 as unknown as string)).toThrow(/"42" is not a valid collection name/);
    expect(() => t.server.changes('todos', { since: -1 })).toThrow(/since must be a non-negative integer \(a seq\), not -1/);
    expect(() => t.server.changes('todos', { since: 1.5 })).toThrow(/not 1.5/);
    const off = await opened.serve();
    expect(() => off.server.changes('todos')).toThrow(/the change feed is off/);
    const { changes: _omitted, ...withoutLog } = memoryStorage();
    expect(() => createServer({ storage: withoutLog, changeFeed: true, log: () => undefined })).toThrow(/changeFeed needs a storage with a change log/);
    expect(() => createServer({ storage: memoryStorage(), changeFeed: { keepMs: 0 }, log: () => undefined })).toThrow(/changeFeed.keepMs must be an integer of at least 1, not 0/);
    expect(() => createServer({ storage: memoryStorage(), changeFeed: { keepRows: 2.5 }, log: () => undefined })).toThrow(/changeFeed.keepRows/);
    const writer = opened.connect(t.url);
    await stored(writer, (m) => m.add('todos', { id: 'a' }));
    const stream = t.server.changes('todos');
    expect((await take(stream, 1)).map((change) => change.id)).toEqual(['a']);
    await stream.return();
  });

  it('drops old changes on its own every pruneEveryMs (keepRows)', async () => {
    const storage = memoryStorage();
    const t = await opened.serve({ storage, changeFeed: { keepRows: 1, pruneEveryMs: 20 } });
    const writer = opened.connect(t.url);
    for (const id of ['a', 'b', 'c']) await stored(writer, (m) => m.add('todos', { id }));
    const log = storage.changes as ChangeLog;
    await eventually(async () => (await log.read('todos', 0, 10)).length === 1, 5000, 'the pruning');
    const stream = t.server.changes('todos');
    expect((await take(stream, 1)).map((change) => [change.seq, change.id])).toEqual([[3, 'c']]);
    await stream.return();
  });

  it('keeps its changes across a restart on SQLite', async () => {
    const temp = tempDir();
    opened.defer(() => temp.remove());
    const file = join(temp.dir, 'feed.db');
    const first = await opened.serve({ storage: sqliteStorage(file), changeFeed: true });
    const writer = opened.connect(first.url);
    await stored(writer, (m) => m.add('todos', { id: 'a', n: 1 }));
    await stored(writer, (m) => m.set('todos.a.n', 2));
    writer.close();
    await first.server.close();
    const second = await opened.serve({ storage: sqliteStorage(file), changeFeed: true });
    const stream = second.server.changes('todos');
    expect((await take(stream, 2)).map(short)).toEqual([
      { seq: 1, id: 'a', version: 1, value: { id: 'a', n: 1 } },
      { seq: 2, id: 'a', version: 2, value: { id: 'a', n: 2 } },
    ]);
    const live = take(stream, 1, 'the live change');
    const again = opened.connect(second.url);
    await stored(again, (m) => m.add('todos', { id: 'b' }));
    expect((await live).map((change) => [change.seq, change.id])).toEqual([[3, 'b']]);
    await stream.return();
  });
});

describe('ChangeFeed', () => {
  const event = (id: string, version: number, after: unknown) => ({ collection: 'todos', id, version, before: undefined, after, session: undefined });

  /** A feed on a fresh memory change log (closed after the test). */
  function feed(options: Parameters<typeof resolveChangeFeedOptions>[0]): { feed: ChangeFeed; log: ChangeLog } {
    const log = memoryStorage().changes as ChangeLog;
    const resolved = resolveChangeFeedOptions(options, false);
    if (!resolved) throw new Error('no feed');
    const created = new ChangeFeed(log, resolved, () => undefined);
    opened.defer(() => created.close());
    return { feed: created, log };
  }

  it('keeps the last keepRows changes of each collection; a consumer sees the gap in the seqs', async () => {
    const { feed: changes, log } = feed({ keepRows: 2 });
    // After the prune the feed runs when it starts (nothing to drop yet).
    expect(await changes.prune()).toBe(0);
    changes.record([event('a', 1, 1), event('b', 1, 1), event('c', 1, 1)]);
    const stream = changes.open('todos', 0);
    expect((await take(stream, 3)).map((change) => change.seq)).toEqual([1, 2, 3]);
    expect(await changes.prune()).toBe(1);
    expect((await log.read('todos', 0, 10)).map((change) => change.seq)).toEqual([2, 3]);
    const late = changes.open('todos', 0);
    expect((await take(late, 2)).map((change) => change.seq)).toEqual([2, 3]);
    await late.return();
    await stream.return();
  });

  it('drops changes older than keepMs', async () => {
    const { feed: changes, log } = feed({ keepMs: 1 });
    expect(await changes.prune()).toBe(0);
    changes.record([event('a', 1, 1)]);
    const stream = changes.open('todos', 0);
    const [item] = await take(stream, 1);
    // Pruned once the change is older than 1 ms: its time is in the past by then.
    await new Promise<void>((resolve) => {
      const check = (): void => void (Date.now() > (item?.time ?? 0) + 1 ? resolve() : setImmediate(check));
      check();
    });
    expect(await changes.prune()).toBe(1);
    expect(await log.read('todos', 0, 10)).toEqual([]);
    await stream.return();
  });

  it('logs a recording that failed and keeps recording; a failed read rejects the waiting next() and ends the stream', async () => {
    const inner = memoryStorage().changes as ChangeLog;
    let failRecords = 1;
    let failReads = 0;
    const log: ChangeLog = {
      record: (changes) => (failRecords-- > 0 ? Promise.reject(new Error('disk full')) : inner.record(changes)),
      read: (collection, since, limit) => (failReads-- > 0 ? Promise.reject(new Error('connection lost')) : inner.read(collection, since, limit)),
      prune: (pruning) => inner.prune(pruning),
    };
    const logs: string[] = [];
    const changes = new ChangeFeed(log, resolveChangeFeedOptions(true, false) as NonNullable<ReturnType<typeof resolveChangeFeedOptions>>, (level, message) => logs.push(`${level}: ${message}`));
    opened.defer(() => changes.close());
    const stream = changes.open('todos', 0);
    const first = take(stream, 1);
    changes.record([event('a', 1, 1)]);
    changes.record([event('b', 1, 1)]);
    expect((await first).map((change) => change.id)).toEqual(['b']);
    expect(logs).toEqual(['error: recording 1 change failed; the change feed misses it (Error: disk full)']);
    failReads = 1;
    const failing = changes.open('todos', 1);
    await expect(failing.next()).rejects.toThrow('connection lost');
    expect(await failing.next()).toEqual({ value: undefined, done: true });
    expect(changes.size).toBe(1);
    await inner.record([{ collection: 'broken', id: 'a', version: 1, json: '{not json' }]);
    const broken = changes.open('broken', 0);
    await expect(broken.next()).rejects.toThrow(/the change at seq 1 of broken cannot be read/);
    expect(changes.size).toBe(1);
    await stream.return();
  });

  it('logs a value that cannot be serialized and goes on recording the next ones', async () => {
    const logs: string[] = [];
    const log = memoryStorage().changes as ChangeLog;
    const changes = new ChangeFeed(log, resolveChangeFeedOptions(true, false) as NonNullable<ReturnType<typeof resolveChangeFeedOptions>>, (level, message) => logs.push(`${level}: ${message}`));
    opened.defer(() => changes.close());
    changes.record([event('a', 1, { big: 1n })]);
    changes.record([event('b', 1, 1)]);
    const stream = changes.open('todos', 0);
    expect((await take(stream, 1)).map((change) => [change.seq, change.id])).toEqual([[1, 'b']]);
    expect(logs).toEqual([expect.stringMatching(/^error: the change of todos\/a cannot be recorded \(TypeError: .*BigInt/)]);
    await stream.return();
  });

  it('frees a stream when it ends', async () => {
    const { feed: changes } = feed(true);
    const one = changes.open('todos', 0);
    const two = changes.open('notes', 0);
    expect(changes.size).toBe(2);
    const waiting = one.next();
    await one.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(changes.size).toBe(1);
    const seen: FeedChange[] = [];
    const looping = (async () => {
      for await (const change of two) seen.push(change);
    })();
    await changes.close();
    await within(looping, 3000, 'the loop to end at close');
    expect(seen).toEqual([]);
    expect(changes.size).toBe(0);
  });
});

describe('server.changes() on two servers sharing a SQLite file (memory fan-out)', () => {
  /**
   * Writes 3 documents through the first server, then, while a consumer of
   * the first server's feed waits, 3 through the second (only a notice or a
   * poll can wake it for those); returns the 6 changes it read.
   */
  async function bothServersChanges(servers: readonly TestServer[]): Promise<FeedChange[]> {
    const [a, b] = servers as [TestServer, TestServer];
    const onA = resources.model(client(a.url));
    const onB = resources.model(client(b.url));
    for (let i = 0; i < 3; i++) onA.add('todos', { id: `a${i}` });
    await onA.whenNothingPending();
    const stream = a.server.changes('todos');
    const items = take(stream, 6);
    for (let i = 0; i < 3; i++) onB.add('todos', { id: `b${i}` });
    await onB.whenNothingPending();
    const seen = await items;
    await stream.return();
    return seen;
  }

  it("yields the other server's changes too, in one gapless order, woken by its fan-out notices", async () => {
    // No polling: only the other server's notices wake the consumer for its changes.
    const { servers } = await startCluster(resources, 2, { server: { changeFeed: { pollMs: 0 } } });
    const seen = await bothServersChanges(servers);
    expect(seen.map((change) => change.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen.map((change) => change.id).sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
  });

  it('still gets them by polling every pollMs when the notices are lost', async () => {
    const dropNotices = (fanout: Fanout): Fanout => ({
      get process() {
        return fanout.process;
      },
      get connected() {
        return fanout.connected;
      },
      subscribe: (channel, listener) => fanout.subscribe(channel, listener),
      publish: (channel, message) => (channel.startsWith('changes:') ? undefined : fanout.publish(channel, message)),
      onStatus: (listener) => fanout.onStatus(listener),
      close: () => fanout.close(),
    });
    const { servers } = await startCluster(resources, 2, { server: { changeFeed: { pollMs: 20 } }, wrapFanout: dropNotices });
    const seen = await bothServersChanges(servers);
    expect(seen.map((change) => change.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("records the changes of a server whose feed never committed them, once the other server rebuilt their JSON", async () => {
    // The first server's change log never commits (as if it died right after storing the writes).
    const held = deferred();
    const holdFirst = (storage: Storage, i: number): Storage =>
      i === 0 && storage.changes ? { ...storage, changes: { ...storage.changes, record: (changes) => held.promise.then(() => storage.changes?.record(changes)) } } : storage;
    const { servers } = await startCluster(resources, 2, { server: { changeFeed: { pollMs: 20 }, jsonDelayMs: 0, jsonRepairMs: 50 }, wrapStorage: holdFirst });
    const [a, b] = servers as [TestServer, TestServer];
    resources.defer(() => held.resolve());
    const onA = resources.model(client(a.url));
    for (let i = 0; i < 3; i++) onA.add('todos', { id: `a${i}`, n: i });
    await onA.whenNothingPending();
    const stream = b.server.changes('todos');
    const seen = await take(stream, 3, "the first server's 3 changes");
    await stream.return();
    expect(seen.map((change) => [change.id, change.value]).sort()).toEqual([0, 1, 2].map((i) => [`a${i}`, { id: `a${i}`, n: i }]));
  });
});

describe.skipIf(!postgresAvailable || !redisAvailable)('server.changes() on two servers sharing Postgres (Redis fan-out)', () => {
  it("yields the other server's changes, caught up and live, in one gapless order", async () => {
    const schema = await pg.freshSchema({ create: false });
    const channelPrefix = uniqueChannelPrefix();
    const start = async () =>
      opened.server(
        await (async () => {
          const logs: string[] = [];
          const storage = pg.open(schema);
          const fanout = redisFanout({ url: REDIS_URL, channelPrefix, log: () => {} });
          // No polling: the other server's Redis notices wake the consumer.
          const server = createServer({ storage, fanout, changeFeed: { pollMs: 0 }, log: (level, message) => logs.push(`${level}: ${message}`) });
          const { url, port } = await server.listen({ port: 0 });
          return { server, url, port, storage, logs, fanout };
        })(),
      );
    const [a, b] = [await start(), await start()];
    const onA = opened.connect(a.url);
    const onB = opened.connect(b.url);
    await stored(onA, (m) => m.add('todos', { id: 'a', n: 1 }));
    await stored(onB, (m) => m.add('todos', { id: 'b', n: 1 }));
    const stream = b.server.changes('todos');
    // Documents' changes are ordered as they were recorded (shortly after they were stored), in each process.
    const caughtUp = await take(stream, 2);
    expect(caughtUp.map((change) => change.seq)).toEqual([1, 2]);
    expect(caughtUp.map((change) => change.id).sort()).toEqual(['a', 'b']);
    // Live: a write through A reaches B's consumer, woken by A's notice once B listens on Redis.
    const live = take(stream, 2, 'the live changes');
    await b.fanout.settled?.();
    await stored(onA, (m) => m.set('todos.a.n', 2));
    await stored(onB, (m) => m.set('todos.b.n', 2));
    const lived = await live;
    expect(lived.map((change) => change.seq)).toEqual([3, 4]);
    expect(lived.map(short).sort((x, y) => ((x as { id: string }).id < (y as { id: string }).id ? -1 : 1))).toEqual([
      { seq: expect.any(Number), id: 'a', version: 2, value: { id: 'a', n: 2 } },
      { seq: expect.any(Number), id: 'b', version: 2, value: { id: 'b', n: 2 } },
    ]);
    await stream.return();
  });
});
