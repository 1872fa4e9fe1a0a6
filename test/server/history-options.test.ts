import { describe, expect, it } from 'vitest';
import { defaultHistoryUser, resolveHistoryOptions } from '../../src/server/history-options.ts';
import { eventually, useResources } from '../helpers/server-fixtures.ts';
import { startServer } from '../helpers/sync-fixtures.ts';

const resources = useResources();

describe('resolveHistoryOptions', () => {
  it('is off when absent or false, and fills in the defaults for true or an object', () => {
    expect(resolveHistoryOptions(undefined)).toBeNull();
    expect(resolveHistoryOptions(false)).toBeNull();
    expect(resolveHistoryOptions(true)).toEqual({ everyUpdates: 100, everyMs: 300_000, keep: 50, user: defaultHistoryUser });
    expect(resolveHistoryOptions({ everyUpdates: 5, keep: 2 })).toMatchObject({ everyUpdates: 5, everyMs: 300_000, keep: 2 });
  });

  it('names the bad field', () => {
    expect(() => resolveHistoryOptions({ everyMs: -1 })).toThrow('history.everyMs must be a positive integer, got -1');
    expect(() => resolveHistoryOptions({ everyUpdates: Number.POSITIVE_INFINITY })).toThrow('history.everyUpdates must be a positive integer, got Infinity');
    expect(() => resolveHistoryOptions('often' as never)).toThrow('history must be an object');
    expect(() => resolveHistoryOptions({ user: 'email' as never })).toThrow('history.user must be a function');
  });
});

describe('defaultHistoryUser', () => {
  it('takes userId, then user, then id, when a string or a number', () => {
    expect(defaultHistoryUser({ userId: 'u1', user: 'ann', id: 'x' })).toBe('u1');
    expect(defaultHistoryUser({ user: 'ann', id: 'x' })).toBe('ann');
    expect(defaultHistoryUser({ user: { name: 'ann' }, id: 42 })).toBe('42');
    expect(defaultHistoryUser({})).toBeUndefined();
  });
});

describe('history user option', () => {
  it('credits writes to the user it returns', async () => {
    const t = resources.server(await startServer({ history: { everyUpdates: 1, user: (session) => (typeof session['email'] === 'string' ? session['email'] : undefined) } }));
    const model = resources.model(t.server.createModel({ session: { email: 'ann@example.com' } }));
    await new Promise<void>((resolve, reject) => model.set('todos.a1', { title: 'x' }, (error) => (error ? reject(error) : resolve())));
    await eventually(async () => (await t.server.history('todos', 'a1')).length === 1, 5000, 'a checkpoint');
    expect((await t.server.history('todos', 'a1'))[0]?.users).toEqual(['ann@example.com']);
  });
});
