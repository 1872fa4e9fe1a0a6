// @vitest-environment jsdom
import { act, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../src/index.ts';
import { useDoc, useModel, usePending, useQuery, useQueryIds, useSyncStatus, useValue } from '../../src/react/index.ts';
import { gatedServer, reactScope, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

interface Todo {
  readonly title: string;
  readonly done: boolean;
}

/** One hook in a component, what it shows first, a change, and what it shows after. */
interface Case {
  readonly hook: string;
  readonly View: () => ReactNode;
  readonly first: string;
  readonly change?: (model: Model) => void;
  readonly after?: string;
}

const CASES: readonly Case[] = [
  {
    hook: 'useValue',
    View: () => <p>{useValue<string>('todos.a.title')}</p>,
    first: 'one',
    change: (model) => model.set('todos.a.title', 'ONE'),
    after: 'ONE',
  },
  {
    hook: 'useDoc',
    View: () => <p>{useDoc<Todo>('todos', 'a')[0]?.title}</p>,
    first: 'one',
    change: (model) => model.set('todos.a.title', 'ONE'),
    after: 'ONE',
  },
  {
    hook: 'useQuery',
    View: () => <p>{useQuery<Todo>('todos', { done: false, $sort: { title: 1 } })[0].map((todo) => todo.title).join(',')}</p>,
    first: 'one,two',
    change: (model) => model.set('todos.b.done', true),
    after: 'one',
  },
  {
    hook: 'useQuery $count',
    View: () => <p>{useQuery('todos', { done: false, $count: true })[0]}</p>,
    first: '2',
    change: (model) => model.add('todos', { id: 'c', title: 'three', done: false }),
    after: '3',
  },
  {
    hook: 'useQueryIds',
    View: () => <p>{useQueryIds('todos', { $sort: { title: -1 } }).join(',')}</p>,
    first: 'b,a',
    change: (model) => model.add('todos', { id: 'c', title: 'zzz', done: false }),
    after: 'c,b,a',
  },
  { hook: 'useModel', View: () => <p>{useModel('todos.a').get<string>('title')}</p>, first: 'one' },
  {
    hook: 'useSyncStatus',
    View: () => {
      const status = useSyncStatus();
      return <p>{`${status.connection} ${String(status.pending)} ${String(status.lastSyncedAt)}`}</p>;
    },
    first: 'offline false null',
  },
  { hook: 'usePending', View: () => <p>{String(usePending('todos.a'))}</p>, first: 'false' },
];

function Title(): ReactNode {
  return <p>{useDoc<Todo>('todos', 'a')[0]?.title ?? 'loading'}</p>;
}

describe('hooks under <StrictMode>', () => {
  it.each(CASES)('$hook shows the right value, follows changes and removes its listeners on unmount', ({ View, first, change, after }) => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one', done: false });
    model.set('todos.b', { title: 'two', done: false });
    const listeners = model.store.bus.size;
    const view = renderWith(model, <View />, true);
    expect(view.container.textContent).toBe(first);
    if (change) {
      act(() => change(model));
      expect(view.container.textContent).toBe(after);
    }
    view.unmount();
    expect(model.store.bus.size).toBe(listeners);
  });

  it('holds a document once per mounted useDoc, so the server and the model release it after unmount', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored' } }, { unloadDelayMs: 30 });
    const model = opened.connect(server.url, { unloadDelayMs: 30 });
    const writer = opened.connect(server.url, { unloadDelayMs: 10 });
    const listeners = model.store.bus.size;
    const view = renderWith(model, <Title />, true);
    await waitFor(() => expect(view.container.textContent).toBe('stored'));
    expect(model.store.sync?.holdings()).toEqual({ subscribe: [{ collection: 'todos', id: 'a' }], fetch: [] });
    await writer.subscribe('todos.a');
    writer.set('todos.a.title', 'remote');
    await waitFor(() => expect(view.container.textContent).toBe('remote'));
    await writer.unsubscribe('todos.a');
    await writer.whenNothingPending();

    view.unmount();
    expect(model.store.bus.size).toBe(listeners);
    // StrictMode's extra mount subscribed and unsubscribed once more: the count must be back to zero.
    await waitFor(() => expect(model.store.sync?.holdings()).toEqual({ subscribe: [], fetch: [] }));
    await waitFor(() => expect(model.get('todos.a')).toBeUndefined());
    expect(model.isLoaded('todos.a')).toBe(false);
    await waitFor(() => expect(server.server.roomCount).toBe(0));
  });

  it('keeps useSyncStatus and usePending of a synced model current', async () => {
    const server = await gatedServer(opened);
    const model = opened.connect(server.url);
    function Status(): ReactNode {
      const status = useSyncStatus();
      return <p>{`${status.connection} ${String(status.pending)} ${String(usePending('todos.a'))}`}</p>;
    }
    const view = renderWith(model, <Status />, true);
    await waitFor(() => expect(view.container.textContent).toBe('online false false'));
    server.appends.hold();
    act(() => void model.set('todos.a', { title: 'x', done: false }));
    await waitFor(() => expect(view.container.textContent).toBe('online true true'));
    server.appends.release();
    await waitFor(() => expect(view.container.textContent).toBe('online false false'));
  });
});
