// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import { Suspense, useState, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { indexedDbStore } from '../../src/client/indexeddb-store.ts';
import type { OfflineStore } from '../../src/client/offline-store.ts';
import { createModel, type Model, type QueryExpression as Query } from '../../src/index.ts';
import { SyncProvider, useQuery, useQueryIds, type QueryInfo } from '../../src/react/index.ts';
import { sleep } from '../helpers/server-fixtures.ts';
import { gatedServer, reactScope, Recorder, RenderCounts, renderSuspending, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
  readonly rank: number;
}

function todosModel(): Model {
  const model = opened.model(createModel());
  model.set('todos.a', { title: 'write', done: false, rank: 3 });
  model.set('todos.b', { title: 'read', done: true, rank: 1 });
  model.set('todos.c', { title: 'sleep', done: false, rank: 2 });
  model.set('todos.d', { title: 'eat', done: false, rank: 4 });
  return model;
}

/** Renders a query's titles, recording each result and `info`. */
function Titles(props: { query: Query; results?: Recorder<readonly Todo[]>; infos?: Recorder<QueryInfo>; counts?: RenderCounts; suspense?: boolean }): ReactNode {
  props.counts?.hit('titles');
  const [todos, , info] = useQuery<Todo>('todos', props.query, { suspense: props.suspense ?? false });
  props.results?.record(todos);
  props.infos?.record(info);
  return <p>{todos.map((todo) => todo.title).join(',')}</p>;
}

describe('useQuery', () => {
  it('filters and sorts the loaded documents, with their ids, status and a model at the collection', () => {
    const model = todosModel();
    const infos = new Recorder<QueryInfo>();
    const view = renderWith(model, <Titles query={{ done: false, $sort: { rank: -1 } }} infos={infos} />);
    expect(view.container.textContent).toBe('eat,write,sleep');
    expect(infos.last).toEqual({ status: 'complete', ids: ['d', 'a', 'c'] }); // no server: the local result is the whole answer
    const { result } = renderHook(() => useQuery('todos', { rank: { $gte: 2 }, $sort: { rank: 1 }, $skip: 1, $limit: 1 }), {
      wrapper: ({ children }) => <SyncProvider model={model}>{children}</SyncProvider>,
    });
    expect(result.current[0]).toEqual([{ title: 'write', done: false, rank: 3 }]);
    expect(result.current[1].path()).toBe('todos');
  });

  it('follows documents that start or stop matching', () => {
    const model = todosModel();
    const view = renderWith(model, <Titles query={{ done: false, $sort: { rank: 1 } }} />);
    act(() => void model.set('todos.a.done', true));
    expect(view.container.textContent).toBe('sleep,eat');
    act(() => void model.add('todos', { id: 'e', title: 'run', done: false, rank: 0 }));
    expect(view.container.textContent).toBe('run,sleep,eat');
    act(() => void model.del('todos.c'));
    expect(view.container.textContent).toBe('run,eat');
  });

  it('returns a number for a $count query', () => {
    const model = todosModel();
    const counts = new Recorder<unknown>();
    function Count(): ReactNode {
      const [left] = useQuery('todos', { done: false, $count: true });
      counts.record(left);
      return <p>{left}</p>;
    }
    const view = renderWith(model, <Count />);
    expect(counts.last).toBe(3);
    act(() => void model.set('todos.b.done', false));
    expect(view.container.textContent).toBe('4');
    expect(counts.values.every((count) => typeof count === 'number')).toBe(true);
  });

  it('keeps the result identity (and does not re-render) when an unrelated collection or a non-matching document changes', () => {
    const model = todosModel();
    const results = new Recorder<readonly Todo[]>();
    const counts = new RenderCounts();
    renderWith(model, <Titles query={{ done: false }} results={results} counts={counts} />);
    counts.reset();
    act(() => {
      model.set('users.u', { name: 'x' });
      model.set('todos.b.title', 'still done');
    });
    expect(counts.rendered()).toEqual({});
    act(() => void model.set('todos.a.title', 'WRITE'));
    expect(counts.rendered()).toEqual({ titles: 1 });
    const [before, after] = results.values.slice(-2);
    expect(after).not.toBe(before);
    expect(after?.[1]).toBe(before?.[1]); // the unchanged matching documents keep their identity
  });

  it('keeps the result identity when its parent re-renders with an equal new query object', () => {
    const model = todosModel();
    const results = new Recorder<readonly Todo[]>();
    let bump: () => void = () => undefined;
    function Parent(): ReactNode {
      const [n, setN] = useState(0);
      bump = () => setN(n + 1);
      return <Titles query={{ done: false, $sort: { rank: 1 } }} results={results} />;
    }
    renderWith(model, <Parent />);
    act(() => bump());
    act(() => bump());
    expect(results.values).toHaveLength(3);
    expect(new Set(results.values).size).toBe(1);
  });

  it.each([
    [{ $where: 'x' }, 'unknown query operator "$where"'],
    [{ title: { $regex: 'a' } }, 'unknown operator "$regex" on field "title"'],
    [{ $sort: { rank: 2 } }, '$sort.rank must be 1 or -1'],
    [{ $limit: -1 }, '$limit must be a non-negative integer'],
  ])('throws a TypeError naming the problem for the bad query %j', (query, problem) => {
    const model = todosModel();
    const silenced = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const Hook of [(): unknown => useQuery('todos', query), (): unknown => useQueryIds('todos', query)]) {
        let thrown: unknown;
        try {
          renderHook(Hook, { wrapper: ({ children }) => <SyncProvider model={model}>{children}</SyncProvider> });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(TypeError);
        expect((thrown as Error).message).toContain(`('todos'): ${problem}`);
      }
    } finally {
      silenced.mockRestore();
    }
  });

  // As useDoc, it must call use() again after the load, or React (dev) reports it on the next
  // render. Keep this the first test of the file to render a suspending component (reported once).
  it('with { suspense: true } re-renders after the load without React reporting a conditional use()', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored', done: false, rank: 1 } });
    const model = opened.connect(server.url);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      void model.subscribe('todos.a');
      const view = await renderSuspending(model, <Suspense fallback={<p>loading</p>}><Titles query={{}} suspense /></Suspense>);
      await waitFor(() => expect(view.container.textContent).toBe('stored'));
      act(() => void model.set('todos.a.title', 'changed'));
      expect(view.container.textContent).toBe('changed');
      expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });

  it('with { suspense: true } shows the fallback until the held documents of the collection are loaded', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored', done: false, rank: 1 } });
    const model = opened.connect(server.url);
    server.loads.hold();
    const subscribed = model.subscribe('todos.a');
    const view = await renderSuspending(model, <Suspense fallback={<p>loading</p>}><Titles query={{ done: false }} suspense /></Suspense>);
    expect(view.container.textContent).toBe('loading');
    await waitFor(() => expect(server.loads.waiting).toBe(1));
    await act(() => sleep(20));
    expect(view.container.textContent).toBe('loading');
    server.loads.release();
    await subscribed;
    await waitFor(() => expect(view.container.textContent).toBe('stored'));
  });

  // The suspense waits for the server's answer to the query, not for the documents the model holds:
  // a held document that leaves before it loaded neither ends the wait nor keeps it going.
  it('with { suspense: true } resumes with the server answer when a held document is released instead of loaded', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored', done: false, rank: 1 } });
    const model = opened.connect(server.url, { unloadDelayMs: 10 });
    server.loads.hold();
    model.subscribe('todos.a').catch(() => undefined); // rejected by the release
    const view = await renderSuspending(model, <Suspense fallback={<p>loading</p>}><Titles query={{}} suspense /></Suspense>);
    expect(view.container.textContent).toBe('loading');
    await model.unsubscribe('todos.a');
    await waitFor(() => expect(model.isLoaded('todos')).toBe(true)); // the document left the model
    expect(model.get('todos.a')).toBeUndefined();
    await act(() => sleep(20));
    expect(view.container.textContent).toBe('loading'); // the server has not answered the query yet
    server.loads.release();
    await waitFor(() => expect(view.container.textContent).toBe('stored'));
  });

  it('with { suspense: true } and an offline store, resumes with the stored result without React reporting an uncached promise', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored', done: false, rank: 1 } }, { unloadDelayMs: 1 });
    const profile = new IDBFactory();
    const offline = (): OfflineStore => indexedDbStore({ name: 'use-query-offline', indexedDB: profile });
    const first = opened.connect(server.url, { offline: offline() });
    await first.query('todos', {}).subscribe();
    await first.whenNothingPending();
    first.close();
    await waitFor(() => expect(server.server.roomCount).toBe(0));
    server.loads.hold(); // the server cannot answer: only the stored result can end the wait
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const model = opened.connect(server.url, { offline: offline() });
      const infos = new Recorder<QueryInfo>();
      const view = await renderSuspending(model, <Suspense fallback={<p>loading</p>}><Titles query={{}} infos={infos} suspense /></Suspense>);
      await waitFor(() => expect(view.container.textContent).toBe('stored'));
      expect(infos.last?.status).toBe('local');
      act(() => void model.set('todos.a.title', 'changed here'));
      expect(view.container.textContent).toBe('changed here'); // a re-render while 'local' does not suspend again
      server.loads.release();
      await waitFor(() => expect(infos.last?.status).toBe('complete'));
      expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });
});

describe('useQuery with a server', () => {
  it('shows the server result, then re-renders once per server batch of changes', async () => {
    const server = await opened.serve({ queryDelayMs: 60 });
    const writer = opened.connect(server.url);
    writer.add('todos', { id: 'a', title: 'first', done: false, rank: 1 });
    await writer.whenNothingPending();
    const reader = opened.connect(server.url);
    const counts = new RenderCounts();
    const infos = new Recorder<QueryInfo>();
    const view = renderWith(reader, <Titles query={{ done: false, $sort: { rank: 1 } }} counts={counts} infos={infos} />);
    await waitFor(() => expect(view.container.textContent).toBe('first'));
    expect(infos.last?.status).toBe('complete');
    counts.reset();
    act(() => {
      writer.add('todos', { id: 'b', title: 'second', done: false, rank: 2 });
      writer.add('todos', { id: 'c', title: 'third', done: false, rank: 3 });
      writer.add('todos', { id: 'd', title: 'fourth', done: false, rank: 4 });
    });
    await waitFor(() => expect(view.container.textContent).toBe('first,second,third,fourth'));
    await act(() => sleep(100));
    expect(counts.rendered()).toEqual({ titles: 1 });
  });
});

describe('useQueryIds', () => {
  /** Renders the ids, recording each array. */
  function Ids({ query, ids, counts }: { query: Query; ids: Recorder<readonly string[]>; counts: RenderCounts }): ReactNode {
    counts.hit('ids');
    return <p>{ids.record(useQueryIds('todos', query)).join(',')}</p>;
  }

  it('keeps its array (and does not re-render) when a matching document changes a field it does not sort by', () => {
    const model = todosModel();
    const ids = new Recorder<readonly string[]>();
    const counts = new RenderCounts();
    const view = renderWith(model, <Ids query={{ done: false, $sort: { rank: 1 } }} ids={ids} counts={counts} />);
    expect(view.container.textContent).toBe('c,a,d');
    counts.reset();
    act(() => {
      model.set('todos.a.title', 'WRITE');
      model.set('todos.c.rank', 2.5); // still between b... and a: same order
    });
    expect(counts.rendered()).toEqual({});
    expect(ids.values).toHaveLength(1);
    act(() => void model.set('todos.c.rank', 10));
    expect(view.container.textContent).toBe('a,d,c');
    expect(counts.rendered()).toEqual({ ids: 1 });
    expect(ids.values[1]).not.toBe(ids.values[0]);
  });
});
