import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createModel, loadHistory, loadSnapshot, restoreSnapshot, SyncError, type Model } from '../../src/index.ts';
import type { SyncClient } from '../../src/client/sync-client.ts';
import { historyMessage } from '../../src/protocol/history-message.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import type { CheckpointInfo, SyncServer } from '../../src/server/index.ts';
import { ownerRules } from '../helpers/owner-rules.ts';
import { eventually, useResources, within } from '../helpers/server-fixtures.ts';
import { client, rawSocket, startServer, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';

const resources = useResources();

/** The user named by the `token` query parameter. */
const authenticate = (request: IncomingMessage): { user: string } => ({ user: new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '' });

const write = (model: Model, path: string, value: unknown): Promise<void> =>
  within(new Promise((resolve, reject) => model.set(path, value, (error) => (error ? reject(error) : resolve()))), 5000, `the write of ${path}`);

async function checkpoints(server: SyncServer, id: string, count: number): Promise<CheckpointInfo[]> {
  let list: CheckpointInfo[] = [];
  await eventually(async () => (list = await server.history('todos', id)).length >= count, 5000, `${count} checkpoints`);
  return list;
}

/** A server with owner rules and per-write history; ann wrote todos/a1 twice ('first', then 'second'). */
async function seeded(): Promise<TestServer> {
  const t = resources.server(await startServer({ rules: ownerRules, authenticate, history: { everyUpdates: 1 } }));
  const ann = resources.model(client(t.url, { token: 'ann' }));
  await ann.subscribe('todos.a1');
  await write(ann, 'todos.a1', { owner: 'ann', title: 'first' });
  await checkpoints(t.server, 'a1', 1);
  await write(ann, 'todos.a1.title', 'second');
  await checkpoints(t.server, 'a1', 2);
  return t;
}

const refusal = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => null, (error: unknown) => error);

describe('history requests', () => {
  it('lists checkpoints and gives a snapshot over the wire, as the server has them', async () => {
    const t = await seeded();
    const reader = resources.model(client(t.url, { token: 'ann' }));
    const listed = await loadHistory(reader, 'todos', 'a1');
    expect(listed).toEqual(await t.server.history('todos', 'a1'));
    expect(listed.map((entry) => [entry.checkpoint, entry.users])).toEqual([[2, ['ann']], [1, ['ann']]]);
    expect(await loadSnapshot(reader, 'todos', 'a1', 1)).toEqual({ owner: 'ann', title: 'first' });
    expect(await loadSnapshot(reader, 'todos', 'a1', 2)).toEqual({ owner: 'ann', title: 'second' });
  });

  it('restores as an ordinary write that another client sees live', async () => {
    const t = await seeded();
    const ann = resources.model(client(t.url, { token: 'ann' }));
    const watcher = resources.model(client(t.url, { token: 'ann' }));
    await watcher.subscribe('todos.a1');
    await waitFor(() => watcher.get('todos.a1.title') === 'second', 5000, 'the watcher to load');
    await restoreSnapshot(ann, 'todos', 'a1', 1);
    await waitFor(() => watcher.get('todos.a1.title') === 'first', 5000, 'the watcher to see the restore');
    const after = await checkpoints(t.server, 'a1', 3);
    expect(after[0]).toMatchObject({ checkpoint: 3, users: ['ann'] });
  });

  it('refuses a reader without the read rule, and a writer without the write rule, with forbidden', async () => {
    const t = await seeded();
    const bob = resources.model(client(t.url, { token: 'bob' }));
    for (const request of [loadHistory(bob, 'todos', 'a1'), loadSnapshot(bob, 'todos', 'a1', 1)]) {
      const error = await refusal(request);
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).code).toBe('forbidden');
      expect((error as SyncError).message).toContain('todos.read');
    }
    // Shared: bob may read it (and list its history) but not write it.
    const ann = resources.model(client(t.url, { token: 'ann' }));
    await ann.subscribe('todos.a1');
    await write(ann, 'todos.a1.shared', true);
    await checkpoints(t.server, 'a1', 3);
    expect(await loadHistory(bob, 'todos', 'a1')).toHaveLength(3);
    const refused = await refusal(restoreSnapshot(bob, 'todos', 'a1', 1));
    expect((refused as SyncError).code).toBe('forbidden');
    expect(await t.server.snapshotAt('todos', 'a1', 3)).toEqual({ owner: 'ann', title: 'second', shared: true });
    expect(ann.get('todos.a1.title')).toBe('second');
  });

  it('answers bad checkpoints, bad names and a server without history with clear errors, and keeps serving', async () => {
    const t = await seeded();
    const ann = resources.model(client(t.url, { token: 'ann' }));
    const bad = await refusal(loadSnapshot(ann, 'todos', 'a1', 9));
    expect(bad).toBeInstanceOf(SyncError);
    expect((bad as SyncError).code).toBe('bad-checkpoint');
    expect((bad as SyncError).message).toContain('todos/a1 has no checkpoint 9 (it has 1-2)');
    await expect(loadSnapshot(ann, 'todos', 'a1', 0)).rejects.toThrow('a checkpoint is a positive integer, got 0');
    const raw = resources.socket(await rawSocket(`${t.url}?token=ann`));
    raw.send(historyMessage.encode({ request: 7, doc: 'todos/a b', checkpoint: 0 }));
    const answer = await raw.next((message) => message.kind === MessageKind.Error);
    expect(answer).toMatchObject({ request: 7, code: 'bad-doc-name' });
    expect(await loadHistory(ann, 'todos', 'a1')).toHaveLength(2);
    const off = resources.server(await startServer());
    const plain = resources.model(client(off.url));
    await expect(loadHistory(plain, 'todos', 'a1')).rejects.toMatchObject({ code: 'history-off' });
    await expect(loadHistory(resources.model(createModel()), 'todos', 'a1')).rejects.toThrow('this model has no server to ask');
  });

  it('sends a request made before the connection opened once it opens, and again after a dropped socket', async () => {
    const t = await seeded();
    const ann = resources.model(client(t.url, { token: 'ann', connect: false }));
    const early = loadHistory(ann, 'todos', 'a1');
    ann.connect();
    expect(await early).toHaveLength(2);
    // Asked, then the socket drops before the answer can come: the request goes again on the next socket.
    const asked = loadSnapshot(ann, 'todos', 'a1', 1);
    (ann.store.sync as SyncClient).disconnect();
    expect(await asked).toEqual({ owner: 'ann', title: 'first' });
  });

  it('rejects a waiting request when the model closes', async () => {
    const t = await seeded();
    const ann = client(t.url, { token: 'ann', connect: false });
    const waiting = loadHistory(ann, 'todos', 'a1');
    ann.close();
    await expect(waiting).rejects.toThrow('the model was closed');
  });
});
