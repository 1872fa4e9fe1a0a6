// @vitest-environment jsdom
import { act, fireEvent, waitFor as waitForDom } from '@testing-library/react';
import type { IncomingMessage } from 'node:http';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/index.ts';
import { useHistory, useValue } from '../../src/react/index.ts';
import { ownerRules } from '../helpers/owner-rules.ts';
import { reactScope, renderWith } from '../helpers/react-fixtures.tsx';
import { eventually } from '../helpers/server-fixtures.ts';
import { client, startServer, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';

const opened = reactScope();

const authenticate = (request: IncomingMessage): { user: string } => ({ user: new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '' });

const write = (model: Model, path: string, value: unknown): Promise<void> =>
  new Promise((resolve, reject) => model.set(path, value, (error) => (error ? reject(error) : resolve())));

/** A server with owner rules and per-write history; ann wrote todos/a1 as 'first', then 'second'. */
async function seeded(): Promise<TestServer> {
  const t = opened.server(await startServer({ rules: ownerRules, authenticate, history: { everyUpdates: 1 } }));
  const ann = opened.model(client(t.url, { token: 'ann' }));
  await ann.subscribe('todos.a1');
  await write(ann, 'todos.a1', { owner: 'ann', title: 'first' });
  await eventually(async () => (await t.server.history('todos', 'a1')).length === 1, 5000, 'the first checkpoint');
  await write(ann, 'todos.a1.title', 'second');
  await eventually(async () => (await t.server.history('todos', 'a1')).length === 2, 5000, 'the second checkpoint');
  return t;
}

/** A version history panel: one row per checkpoint with a restore button, the error, and the live title. */
function Panel({ id }: { id: string }): ReactNode {
  const { checkpoints, error, loading, restore, reload } = useHistory('todos', id);
  const title = useValue<string>(`todos.${id}.title`);
  return (
    <>
      <p data-testid="title">{title ?? 'none'}</p>
      <p data-testid="state">{loading ? 'loading' : error ? `error ${(error as Error & { code?: string }).code ?? ''}: ${error.message}` : 'ready'}</p>
      <button onClick={reload}>reload</button>
      <ul>
        {checkpoints?.map((entry) => (
          <li key={entry.checkpoint}>
            v{entry.version} by {entry.users.join(',')}
            <button onClick={() => void restore(entry.checkpoint)}>restore {entry.checkpoint}</button>
          </li>
        ))}
      </ul>
    </>
  );
}

describe('useHistory', () => {
  it('lists the checkpoints newest first and restores one, reloading the list', async () => {
    const t = await seeded();
    const model = opened.model(client(t.url, { token: 'ann' }));
    await model.subscribe('todos.a1');
    const view = renderWith(model, <Panel id="a1" />);
    await waitForDom(() => expect(view.getByTestId('state').textContent).toBe('ready'));
    expect(view.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['v2 by annrestore 2', 'v1 by annrestore 1']);
    expect(view.getByTestId('title').textContent).toBe('second');
    await act(async () => {
      fireEvent.click(view.getByText('restore 1'));
      await waitFor(() => model.get('todos.a1.title') === 'first', 5000, 'the restore');
    });
    expect(view.getByTestId('title').textContent).toBe('first');
    await eventually(async () => (await t.server.history('todos', 'a1')).length === 3, 5000, 'the restore checkpoint');
    fireEvent.click(view.getByText('reload'));
    await waitForDom(() => expect(view.getAllByRole('listitem')).toHaveLength(3));
  });

  it('shows the read rule refusal as an error', async () => {
    const t = await seeded();
    const bob = opened.model(client(t.url, { token: 'bob' }));
    const view = renderWith(bob, <Panel id="a1" />);
    await waitForDom(() => expect(view.getByTestId('state').textContent).toMatch(/^error forbidden: .*todos\.read/));
    expect(view.queryAllByRole('listitem')).toEqual([]);
  });

  it('asks again when the document changes', async () => {
    const t = await seeded();
    const model = opened.model(client(t.url, { token: 'ann' }));
    const view = renderWith(model, <Panel id="a1" />);
    view.rerenderWith(<Panel id="a2" />);
    await waitForDom(() => expect(view.getByTestId('state').textContent).toBe('ready'));
    expect(view.queryAllByRole('listitem')).toEqual([]);
  });
});
