import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../../src/server/index.ts';
import { closeModel, Opened, ROOT, tempDir } from '../helpers/client-fixtures.ts';
import { client, startServer } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** Starts test/helpers/crash-server.ts on `db` and resolves once it listens. */
async function crashServer(db: string, jsonDelayMs: number): Promise<{ url: string; kill(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/crash-server.ts', db, String(jsonDelayMs)], {
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
});
