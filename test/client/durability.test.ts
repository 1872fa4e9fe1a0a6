import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { SyncClient } from '../../src/client/sync-client.ts';
import type { Model } from '../../src/index.ts';
import { documentValue } from '../../src/model/paths/document-value.ts';
import { sqliteStorage } from '../../src/server/index.ts';
import { closeModel, freePort, Opened, sleep, spawnCli, startServerOn, tempDir, type CliServer } from '../helpers/client-fixtures.ts';
import { client, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** Registers a CLI server to be killed after the test. */
function cli(server: CliServer): CliServer {
  opened.defer(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server.exited;
  });
  return server;
}

/** Fails with `what` if the promise does not settle in time (so a hang reports clearly). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('durability', () => {
  it('keeps every acknowledged update when the server process is killed with SIGKILL', async () => {
    const temp = tempDir('yracer-kill-');
    opened.defer(() => temp.remove());
    const db = join(temp.dir, 'x.db');
    const first = cli(await spawnCli(db));
    const writer = opened.model(client(first.url));
    await writer.subscribe('todos.big', 'todos.list');
    let acked = 0;
    const failures: Error[] = [];
    const done = (error?: Error): void => void (error ? failures.push(error) : (acked += 1));
    for (let i = 0; i < 600; i++) writer.set(`todos.big.k${i}`, i, done);
    for (let i = 0; i < 400; i++) writer.push('todos.list.items', i, done);
    await within(writer.whenNothingPending(), 30_000, '1,000 acknowledgements');
    await waitFor(() => acked + failures.length === 1000, 2000, 'every callback');
    expect(failures).toEqual([]);
    expect(writer.hasPending()).toBe(false);

    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await closeModel(writer);

    const second = cli(await spawnCli(db));
    const reader = opened.model(client(second.url));
    await within(reader.fetch('todos.big', 'todos.list'), 10_000, 'the fetch after the restart');
    const big = reader.get<Record<string, number>>('todos.big') ?? {};
    expect(Object.keys(big)).toHaveLength(600);
    for (let i = 0; i < 600; i++) expect(big[`k${i}`]).toBe(i);
    expect(reader.get('todos.list.items')).toEqual(Array.from({ length: 400 }, (_, i) => i));
  });

  it('converges after a server restart while three clients keep editing, some offline, losing nothing', async () => {
    const temp = tempDir('yracer-restart-');
    opened.defer(() => temp.remove());
    const file = join(temp.dir, 'b.db');
    const port = await freePort();
    // SyncServer.close() is idempotent: both servers are also closed after the test.
    const first = opened.server(await startServerOn(port, { storage: sqliteStorage(file) }));
    let second: TestServer | null = null;
    const url = first.url;
    const models = [0, 1, 2].map(() => opened.model(client(url)));
    const model = (i: number): Model => models[i] as Model;
    const goOffline = (i: number): void => (model(i).store.sync as SyncClient).disconnect();
    model(0).set('todos.shared', { log: [] });
    await model(0).whenNothingPending();
    await Promise.all(models.map((m) => m.subscribe('todos.shared')));

    const written = new Map<string, number>();
    let acked = 0;
    const failures: Error[] = [];
    const done = (error?: Error): void => void (error ? failures.push(error) : (acked += 1));
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 3; i++) {
        const key = `c${i}r${round}`;
        model(i).set(`todos.shared.${key}`, round, done);
        model(i).push('todos.shared.log', key, done);
        written.set(key, round);
      }
      if (round === 4) goOffline(2);
      if (round === 9) await first.server.close();
      if (round === 13) goOffline(1);
      if (round === 17) second = opened.server(await startServerOn(port, { storage: sqliteStorage(file) }));
      if (round === 22) goOffline(0);
      await sleep(10);
    }

    await within(Promise.all(models.map((m) => m.whenNothingPending())), 20_000, 'every client to be acknowledged');
    await waitFor(() => acked + failures.length === 2 * written.size, 2000, 'every callback');
    expect(failures).toEqual([]);
    const same = (): boolean => models.every((m) => isDeepStrictEqual(m.get('todos.shared'), model(0).get('todos.shared')));
    await waitFor(() => same() && (model(0).get<unknown[]>('todos.shared.log') ?? []).length === written.size, 10_000, 'convergence');

    const value = model(0).get<Record<string, unknown> & { log: string[] }>('todos.shared');
    expect(value).toBeDefined();
    for (const [key, round] of written) expect(value?.[key]).toBe(round);
    expect([...(value?.log ?? [])].sort()).toEqual([...written.keys()].sort());
    expect(Object.keys(value ?? {})).toHaveLength(written.size + 1);

    const fresh = opened.model(client(url));
    await fresh.fetch('todos.shared');
    expect(fresh.get('todos.shared')).toEqual(value);

    // What the server stored reproduces the same document.
    for (const m of models) await closeModel(m);
    fresh.close();
    await (second as TestServer | null)?.server.close();
    const storage = sqliteStorage(file);
    opened.defer(() => storage.close());
    const stored = await storage.load({ collection: 'todos', id: 'shared' });
    const doc = new Y.Doc();
    for (const part of stored.state ? [stored.state, ...stored.updates] : stored.updates) Y.applyUpdate(doc, part);
    expect(documentValue(doc)).toEqual(value);
    expect(JSON.parse((await storage.loadJson({ collection: 'todos', id: 'shared' })) ?? 'null')).toEqual(value);
    doc.destroy();
  });
});
