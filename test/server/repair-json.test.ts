import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../../src/server/index.ts';
import { closeModel, Opened, ROOT, tempDir } from '../helpers/client-fixtures.ts';
import { within } from '../helpers/server-fixtures.ts';
import { client, startServer } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** Starts test/helpers/crash-server.ts on `db` (with the change feed on, or on and never committing) and resolves once it listens. */
async function crashServer(db: string, jsonDelayMs: number, feed?: 'feed' | 'feed-stuck'): Promise<{ url: string; kill(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/crash-server.ts', db, String(jsonDelayMs), ...(feed ? [feed] : [])], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  opened.defer(kill);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (ws:\/\/\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then(() => reject(new Error(`the server exited before listening: ${out}`)));
  });
  return { url, kill };
}

const COUNT = 250;
const FEED_COUNT = 40;

describe('repairJson', () => {
  it('gives queries every acknowledged write after the server was killed before it stored their JSON', async () => {
    const temp = tempDir('yracer-json-crash-');
    opened.defer(() => temp.remove());
    const db = join(temp.dir, 'crash.db');
    // JSON values are written only when a query asks (jsonDelayMs is never reached).
    const first = await crashServer(db, 600_000);
    const writer = opened.model(client(first.url));
    for (let i = 0; i < COUNT; i++) writer.add('todos', { id: `t${i}`, n: i });
    await writer.whenNothingPending();
    const stored = writer.query('todos', { n: { $gte: 0 }, $count: true });
    await stored.fetch();
    expect(stored.get()).toBe(COUNT);
    // Acknowledged, but their JSON is not stored yet when the process dies.
    for (let i = 0; i < COUNT; i++) writer.set(`todos.t${i}.n`, 1000 + i);
    await writer.whenNothingPending();
    await first.kill();
    await closeModel(writer);

    for (const round of ['after the crash', 'after a clean restart']) {
      const second = await startServer({ storage: sqliteStorage(db) });
      const reader = opened.model(client(second.url));
      const fresh = reader.query('todos', { n: { $gte: 1000 }, $sort: { n: 1 } });
      await fresh.subscribe();
      expect(fresh.getIds(), round).toHaveLength(COUNT);
      expect(fresh.getIds()[0], round).toBe('t0');
      const old = reader.query('todos', { n: { $lt: 1000 }, $count: true });
      await old.fetch();
      expect(old.get(), round).toBe(0);
      await closeModel(reader);
      await second.server.close();
    }
  });

  it('records in the change feed every acknowledged write whose record the killed server never committed, once, at its latest value', async () => {
    const temp = tempDir('yracer-feed-crash-');
    opened.defer(() => temp.remove());
    const db = join(temp.dir, 'crash.db');
    // JSON values would be stored at once, but each waits for the feed, which never commits.
    const first = await crashServer(db, 0, 'feed-stuck');
    const writer = opened.model(client(first.url));
    for (let i = 0; i < FEED_COUNT; i++) writer.add('todos', { id: `t${i}`, n: i });
    await writer.whenNothingPending();
    for (let i = 0; i < FEED_COUNT; i++) writer.set(`todos.t${i}.n`, 1000 + i);
    await writer.whenNothingPending();
    await first.kill();
    await closeModel(writer);

    const second = await startServer({ storage: sqliteStorage(db), changeFeed: true });
    const stream = second.server.changes('todos');
    const seen = new Map<string, unknown>();
    while (seen.size < FEED_COUNT) {
      const next = await within(stream.next(), 10_000, `the change feed to yield ${FEED_COUNT} documents (has ${seen.size})`);
      if (next.done) break;
      expect(seen.has(next.value.id), `${next.value.id} twice`).toBe(false);
      seen.set(next.value.id, next.value.value);
    }
    expect([...seen.keys()].sort()).toEqual(Array.from({ length: FEED_COUNT }, (_, i) => `t${i}`).sort());
    for (const [id, value] of seen) expect(value).toEqual({ id, n: 1000 + Number(id.slice(1)) });
    await stream.return();
    await second.server.close();

    // Recorded once: a restart finds nothing behind and records nothing again.
    const third = await startServer({ storage: sqliteStorage(db), changeFeed: true });
    const again = third.server.changes('todos');
    const all: string[] = [];
    for (let i = 0; i < FEED_COUNT; i++) {
      const next = await within(again.next(), 10_000, 'the recorded changes');
      if (!next.done) all.push(next.value.id);
    }
    await third.server.close();
    expect(all).toHaveLength(FEED_COUNT);
    expect(await within(again.next(), 10_000, 'the stream to end with the server')).toEqual({ done: true, value: undefined });
  });
});
