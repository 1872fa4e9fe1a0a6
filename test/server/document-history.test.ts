import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/index.ts';
import { AccessRefusedError, HistoryError, memoryStorage, sqliteStorage, type CheckpointInfo, type Session, type SyncServer } from '../../src/server/index.ts';
import { createServer } from '../../src/server/create-server.ts';
import { tempDir } from '../helpers/client-fixtures.ts';
import { startCluster } from '../helpers/cluster-fixtures.ts';
import { ownerRules } from '../helpers/owner-rules.ts';
import { eventually, useResources, within, wrapStorage } from '../helpers/server-fixtures.ts';
import { client, startServer, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';

const resources = useResources();
const quiet = (): void => undefined;

/** Sets a value through a model and resolves once stored (rejects with the write's error). */
const write = (model: Model, path: string, value: unknown): Promise<void> =>
  within(new Promise((resolve, reject) => model.set(path, value, (error) => (error ? reject(error) : resolve()))), 5000, `the write of ${path}`);

const sessionModel = (t: TestServer, session: Session): Model => resources.model(t.server.createModel({ session, unloadDelayMs: 10 }));

/** Waits until the document has `count` checkpoints and returns them. */
async function checkpoints(server: SyncServer, id: string, count: number): Promise<CheckpointInfo[]> {
  let list: CheckpointInfo[] = [];
  await eventually(async () => (list = await server.history('todos', id)).length >= count, 5000, `${count} checkpoints of todos/${id}`);
  return list;
}

describe('document history', () => {
  it('takes a checkpoint every `everyUpdates` stored updates, with version, time and the writers', async () => {
    const t = resources.server(await startServer({ rules: ownerRules, history: { everyUpdates: 3, everyMs: 3_600_000 } }));
    const ann = sessionModel(t, { user: 'ann' });
    const before = Date.now();
    await write(ann, 'todos.a1', { owner: 'ann', title: 'v1' });
    await write(ann, 'todos.a1.title', 'v2');
    expect(await t.server.history('todos', 'a1')).toEqual([]);
    await write(ann, 'todos.a1.title', 'v3');
    const [first] = await checkpoints(t.server, 'a1', 1);
    expect(first).toMatchObject({ checkpoint: 1, version: 3, users: ['ann'] });
    expect(first?.time).toBeGreaterThanOrEqual(before);
    expect(await t.server.snapshotAt('todos', 'a1', 1)).toEqual({ owner: 'ann', title: 'v3' });
    for (const title of ['v4', 'v5', 'v6']) await write(ann, 'todos.a1.title', title);
    const list = await checkpoints(t.server, 'a1', 2);
    expect(list.map((entry) => [entry.checkpoint, entry.version])).toEqual([[2, 6], [1, 3]]);
    expect(await t.server.snapshotAt('todos', 'a1', 2)).toEqual({ owner: 'ann', title: 'v6' });
    expect(await t.server.snapshotAt('todos', 'a1', 1)).toEqual({ owner: 'ann', title: 'v3' });
  });

  it('takes a checkpoint `everyMs` after the first update since the last one, and none without updates', async () => {
    const t = resources.server(await startServer({ history: { everyUpdates: 1000, everyMs: 20 } }));
    const trusted = resources.model(t.server.createModel());
    await write(trusted, 'todos.a1', { title: 'timed' });
    const [only] = await checkpoints(t.server, 'a1', 1);
    expect(only).toMatchObject({ checkpoint: 1, version: 1, users: [] });
    expect(await t.server.snapshotAt('todos', 'a1', 1)).toEqual({ title: 'timed' });
    // A second document written later gets its own checkpoint; the first gets no new one without a write.
    await write(trusted, 'todos.a2', { title: 'later' });
    await checkpoints(t.server, 'a2', 1);
    expect(await t.server.history('todos', 'a1')).toHaveLength(1);
  });

  it('keeps the newest `keep` checkpoints', async () => {
    const t = resources.server(await startServer({ history: { everyUpdates: 1, keep: 2 } }));
    const trusted = resources.model(t.server.createModel());
    for (let n = 1; n <= 4; n++) {
      await write(trusted, 'todos.a1', { n });
      await checkpoints(t.server, 'a1', Math.min(n, 2));
      await eventually(async () => (await t.server.history('todos', 'a1'))[0]?.checkpoint === n, 5000, `checkpoint ${n}`);
    }
    expect((await t.server.history('todos', 'a1')).map((entry) => entry.checkpoint)).toEqual([4, 3]);
    await expect(t.server.snapshotAt('todos', 'a1', 1)).rejects.toThrow('todos/a1 has no checkpoint 1 (it has 3-4)');
  });

  it('keeps checkpoints through compaction and a restart, and takes the pending one when the server closes', async () => {
    const temp = tempDir('yracer-history-restart-');
    resources.defer(() => temp.remove());
    const file = `${temp.dir}/db.sqlite`;
    const options = { log: quiet, compactAfterUpdates: 2, history: { everyUpdates: 2, everyMs: 3_600_000 } };
    const server = createServer({ ...options, storage: sqliteStorage(file, { durability: 'process' }) });
    const trusted = server.createModel();
    await write(trusted, 'todos.a1', { title: 'one' });
    await write(trusted, 'todos.a1.title', 'two');
    await checkpoints(server, 'a1', 1);
    await write(trusted, 'todos.a1.title', 'three'); // pending: taken when the server closes
    await server.close();
    const again = createServer({ ...options, storage: sqliteStorage(file, { durability: 'process' }) });
    resources.defer(() => again.close());
    const list = await again.history('todos', 'a1');
    expect(list.map((entry) => [entry.checkpoint, entry.version])).toEqual([[2, 3], [1, 2]]);
    expect(await again.snapshotAt('todos', 'a1', 1)).toEqual({ title: 'two' });
    expect(await again.snapshotAt('todos', 'a1', 2)).toEqual({ title: 'three' });
  });

  it('gives undefined for a checkpoint of a deleted document', async () => {
    const t = resources.server(await startServer({ history: { everyUpdates: 1 } }));
    const trusted = resources.model(t.server.createModel());
    await write(trusted, 'todos.a1', { title: 'x' });
    await checkpoints(t.server, 'a1', 1);
    await new Promise<void>((resolve, reject) => trusted.del('todos.a1', (error) => (error ? reject(error) : resolve())));
    await checkpoints(t.server, 'a1', 2);
    expect(await t.server.snapshotAt('todos', 'a1', 2)).toBeUndefined();
    expect(await t.server.snapshotAt('todos', 'a1', 1)).toEqual({ title: 'x' });
  });

  it('restores a checkpoint as a new ordinary change that a live client sees, keeping the log and the history', async () => {
    const t = resources.server(await startServer({ history: { everyUpdates: 1 } }));
    const writer = resources.model(client(t.url));
    const watcher = resources.model(client(t.url));
    await Promise.all([writer.subscribe('todos.a1'), watcher.subscribe('todos.a1')]);
    await write(writer, 'todos.a1', { title: 'first', done: false });
    await checkpoints(t.server, 'a1', 1);
    await write(writer, 'todos.a1', { title: 'second', done: true });
    await checkpoints(t.server, 'a1', 2);
    await waitFor(() => watcher.get('todos.a1.title') === 'second', 5000, 'the watcher to see the second title');
    await t.server.restore('todos', 'a1', 1);
    await waitFor(() => watcher.get('todos.a1.title') === 'first', 5000, 'the watcher to see the restored title');
    expect(watcher.get('todos.a1')).toEqual({ title: 'first', done: false });
    expect(writer.get('todos.a1.done')).toBe(false);
    // The restore is one more change: a third checkpoint at a later version, the first two unchanged.
    const list = await checkpoints(t.server, 'a1', 3);
    expect(list.map((entry) => entry.checkpoint)).toEqual([3, 2, 1]);
    expect(list[0]?.version).toBeGreaterThan(list[1]?.version ?? Infinity);
    expect(await t.server.snapshotAt('todos', 'a1', 2)).toEqual({ title: 'second', done: true });
  });

  it('checks a restore for a session with its rules, writing nothing when refused', async () => {
    const t = resources.server(await startServer({ rules: ownerRules, history: { everyUpdates: 1 } }));
    const ann = sessionModel(t, { user: 'ann' });
    await write(ann, 'todos.a1', { owner: 'ann', title: 'mine', shared: true });
    await checkpoints(t.server, 'a1', 1);
    await write(ann, 'todos.a1.title', 'changed');
    await checkpoints(t.server, 'a1', 2);
    const refused = await t.server.restore('todos', 'a1', 1, { user: 'bob' }).then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(AccessRefusedError);
    expect((refused as AccessRefusedError).code).toBe('forbidden');
    const reader = sessionModel(t, { user: 'ann' });
    await reader.fetch('todos.a1');
    expect(reader.get('todos.a1.title')).toBe('changed');
    await t.server.restore('todos', 'a1', 1, { user: 'ann' });
    const after = sessionModel(t, { user: 'ann' });
    await after.fetch('todos.a1');
    expect(after.get('todos.a1.title')).toBe('mine');
  });

  it('refuses a session without the read rule, naming the rule', async () => {
    const t = resources.server(await startServer({ rules: ownerRules, history: { everyUpdates: 1 } }));
    const ann = sessionModel(t, { user: 'ann' });
    await write(ann, 'todos.a1', { owner: 'ann', title: 'private' });
    await checkpoints(t.server, 'a1', 1);
    for (const request of [() => t.server.history('todos', 'a1', { user: 'bob' }), () => t.server.snapshotAt('todos', 'a1', 1, { user: 'bob' })]) {
      const error = await request().then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(HistoryError);
      expect((error as HistoryError).code).toBe('forbidden');
      expect((error as HistoryError).message).toContain('todos.read');
    }
    expect(await t.server.history('todos', 'a1', { user: 'ann' })).toHaveLength(1);
  });

  it('answers bad checkpoints, bad names and a server without history with clear errors, and keeps serving', async () => {
    const t = resources.server(await startServer({ history: { everyUpdates: 1 } }));
    const trusted = resources.model(t.server.createModel());
    await write(trusted, 'todos.a1', { title: 'x' });
    await checkpoints(t.server, 'a1', 1);
    for (const bad of [0, -1, 1.5, 99, Number.NaN]) {
      const error = await t.server.snapshotAt('todos', 'a1', bad).then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(HistoryError);
      expect((error as HistoryError).code).toBe('bad-checkpoint');
      expect((error as HistoryError).message).toContain(`todos/a1 has no checkpoint ${String(bad)} (it has 1-1)`);
    }
    await expect(t.server.restore('todos', 'a1', 7)).rejects.toMatchObject({ code: 'bad-checkpoint' });
    await expect(t.server.snapshotAt('todos', 'none', 1)).rejects.toThrow('todos/none has no checkpoint 1 (it has none)');
    await expect(t.server.history('todos', 'a/b')).rejects.toMatchObject({ code: 'bad-doc-name' });
    await expect(t.server.history('', 'a1')).rejects.toMatchObject({ code: 'bad-doc-name' });
    expect(trusted.get('todos.a1.title')).toBe('x');
    await write(trusted, 'todos.a1.title', 'still served');
    await checkpoints(t.server, 'a1', 2);
    const off = resources.server(await startServer());
    await expect(off.server.history('todos', 'a1')).rejects.toMatchObject({ name: 'HistoryError', code: 'history-off' });
  });

  it('numbers the checkpoints of two processes sharing storage in one list, with each process’s writers', async () => {
    const { servers } = await startCluster(resources, 2, { server: { authenticate: (request) => ({ user: new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '' }), history: { everyUpdates: 2 } } });
    const [one, two] = servers as [TestServer, TestServer];
    const ann = resources.model(client(one.url, { token: 'ann' }));
    const bob = resources.model(client(two.url, { token: 'bob' }));
    await Promise.all([ann.subscribe('todos.a1'), bob.subscribe('todos.a1')]);
    await write(ann, 'todos.a1', { title: 'ann 1' });
    await write(ann, 'todos.a1.title', 'ann 2');
    await waitFor(() => bob.get('todos.a1.title') === 'ann 2', 5000, 'bob to see ann’s writes');
    await write(bob, 'todos.a1.title', 'bob 1');
    await write(bob, 'todos.a1.title', 'bob 2');
    const list = await checkpoints(two.server, 'a1', 2);
    expect(list.map((entry) => [entry.checkpoint, entry.users])).toEqual([[2, ['bob']], [1, ['ann']]]);
    expect(await one.server.history('todos', 'a1')).toEqual(list);
    expect(await one.server.snapshotAt('todos', 'a1', 2)).toEqual({ title: 'bob 2' });
  });

  it('refuses bad options and a storage that keeps no history, naming the problem', () => {
    expect(() => createServer({ storage: memoryStorage(), log: quiet, history: { everyUpdates: 0 } })).toThrow('history.everyUpdates must be a positive integer, got 0');
    expect(() => createServer({ storage: memoryStorage(), log: quiet, history: { keep: 1.5 } })).toThrow('history.keep must be a positive integer, got 1.5');
    expect(() => createServer({ storage: wrapStorage(memoryStorage()), log: quiet, history: true })).toThrow('history needs a storage that keeps checkpoints');
  });
});
