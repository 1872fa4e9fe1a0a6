/**
 * `loadHistory` / `loadSnapshot` / `restoreSnapshot` on in-process models
 * (`server.createModel()`): asked of the server's history directly, trusted
 * without a session and checked by the read rule with one.
 */
import { describe, expect, it } from 'vitest';
import { loadHistory, loadSnapshot, restoreSnapshot } from '../../src/index.ts';
import { HistoryError, memoryStorage } from '../../src/server/index.ts';
import { ownerRules } from '../helpers/owner-rules.ts';
import { eventually, useResources } from '../helpers/server-fixtures.ts';
import { startServer } from '../helpers/sync-fixtures.ts';

const resources = useResources();

const refusal = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => null, (error: unknown) => error);

describe('history requests of in-process models', () => {
  it('lists checkpoints, gives snapshots and restores, trusted without a session and read-checked with one', async () => {
    const t = resources.server(await startServer({ rules: ownerRules, history: { everyUpdates: 1 } }));
    const ann = t.server.createModel({ session: { user: 'ann' } });
    await ann.subscribe('todos.a1');
    ann.set('todos.a1', { owner: 'ann', title: 'first' });
    await ann.whenNothingPending();
    ann.set('todos.a1.title', 'second');
    await ann.whenNothingPending();
    await eventually(async () => (await t.server.history('todos', 'a1')).length === 2, 5000, '2 checkpoints');

    const listed = await loadHistory(ann, 'todos', 'a1');
    expect(listed).toEqual(await t.server.history('todos', 'a1'));
    expect(listed.map((entry) => [entry.checkpoint, entry.users])).toEqual([[2, ['ann']], [1, ['ann']]]);
    expect(await loadSnapshot(ann, 'todos', 'a1', 1)).toEqual({ owner: 'ann', title: 'first' });
    await restoreSnapshot(ann, 'todos', 'a1', 1);
    expect(ann.get('todos.a1.title')).toBe('first');

    const trusted = t.server.createModel();
    expect(await loadSnapshot(trusted, 'todos', 'a1', 2)).toEqual({ owner: 'ann', title: 'second' });

    const bob = t.server.createModel({ session: { user: 'bob' } });
    const denied = await refusal(loadHistory(bob, 'todos', 'a1'));
    expect(denied).toBeInstanceOf(HistoryError);
    expect(denied).toMatchObject({ code: 'forbidden' });
    const missing = await refusal(loadSnapshot(ann, 'todos', 'a1', 99));
    expect(missing).toMatchObject({ code: 'bad-checkpoint', message: expect.stringContaining('has no checkpoint 99') });
    for (const model of [ann, trusted, bob]) model.close();
  });

  it('rejects with history-off when the server keeps no history, and once the model is closed', async () => {
    const t = resources.server(await startServer({ storage: memoryStorage() }));
    const model = t.server.createModel();
    expect(await refusal(loadHistory(model, 'todos', 'a1'))).toMatchObject({ code: 'history-off' });
    model.close();
    expect(await refusal(loadHistory(model, 'todos', 'a1'))).toMatchObject({ message: expect.stringContaining('closed') });
  });
});
