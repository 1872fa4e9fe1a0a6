// @vitest-environment jsdom
import { act, waitFor } from '@testing-library/react';
import { Suspense, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createModel, type Model } from '../../src/index.ts';
import { useDoc } from '../../src/react/index.ts';
import { sleep } from '../helpers/server-fixtures.ts';
import { gatedServer, reactScope, Recorder, RenderCounts, renderSuspending, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

interface Todo {
  readonly title: string;
}

/** Shows the title of `todos.<id>` ('none' while undefined) and records every rendered title. */
function Title({ id, titles, suspense = false }: { id: string; titles?: Recorder<string | undefined>; suspense?: boolean }): ReactNode {
  const [todo] = useDoc<Todo>('todos', id, { suspense });
  titles?.record(todo?.title);
  return <p>{todo?.title ?? 'none'}</p>;
}

const suspended = (ui: ReactNode): ReactNode => <Suspense fallback={<p>loading</p>}>{ui}</Suspense>;

describe('useDoc', () => {
  it('returns the document and a model scoped at it, and re-renders when the document changes', () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one' });
    let scoped: Model | undefined;
    function Editor(): ReactNode {
      const [todo, $todo] = useDoc<Todo>('todos', 'a');
      scoped = $todo;
      return <p>{todo?.title}</p>;
    }
    const view = renderWith(model, <Editor />);
    expect(view.container.textContent).toBe('one');
    expect(scoped?.path()).toBe('todos.a');
    act(() => void scoped?.set('title', 'two'));
    expect(view.container.textContent).toBe('two');
    act(() => void model.del('todos.a'));
    expect(view.container.textContent).toBe('');
  });

  it('does not re-render when another document or collection changes', () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one' });
    model.set('todos.b', { title: 'two' });
    const counts = new RenderCounts();
    function Counted(): ReactNode {
      counts.hit('a');
      return <p>{useDoc<Todo>('todos', 'a')[0]?.title}</p>;
    }
    renderWith(model, <Counted />);
    counts.reset();
    act(() => {
      model.set('todos.b.title', 'TWO');
      model.set('users.u', { name: 'x' });
      model.set('todosx.a', { title: 'other collection' });
    });
    expect(counts.rendered()).toEqual({});
  });

  it('shows undefined until a synced document is loaded, then the document', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored' } });
    const model = opened.connect(server.url);
    const titles = new Recorder<string | undefined>();
    const view = renderWith(model, <Title id="a" titles={titles} />);
    expect(titles.values).toEqual([undefined]);
    await waitFor(() => expect(view.container.textContent).toBe('stored'));
    expect(model.isLoaded('todos.a')).toBe(true);
  });

  it('keeps a document subscribed while any component uses it, and releases it after the last unmounts', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored' } });
    const model = opened.connect(server.url, { unloadDelayMs: 20 });
    const writer = opened.connect(server.url);
    await writer.subscribe('todos.a');
    const first = renderWith(model, <Title id="a" />);
    const second = renderWith(model, <Title id="a" />);
    await waitFor(() => expect(second.container.textContent).toBe('stored'));
    expect(first.container.textContent).toBe('stored');

    first.unmount();
    await act(() => sleep(80)); // well past the unload delay
    expect(model.store.sync?.holdings().subscribe).toEqual([{ collection: 'todos', id: 'a' }]);
    writer.set('todos.a.title', 'still live');
    await waitFor(() => expect(second.container.textContent).toBe('still live'));

    second.unmount();
    await waitFor(() => expect(model.store.sync?.holdings()).toEqual({ subscribe: [], fetch: [] }));
    await waitFor(() => expect(model.get('todos.a')).toBeUndefined());
    writer.set('todos.a.title', 'after the release');
    await writer.whenNothingPending();
    await sleep(30);
    expect(model.get('todos.a')).toBeUndefined();
  });

  // After suspending on use(), the hook must call use() again once loaded, or React (dev) reports it
  // on the component's next render. React reports it once per module instance, so this test must
  // stay the first in this file to render a component that suspended.
  it('with { suspense: true } re-renders after the load without React reporting a conditional use()', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored' } });
    const model = opened.connect(server.url);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const view = await renderSuspending(model, suspended(<Title id="a" suspense />));
      await waitFor(() => expect(view.container.textContent).toBe('stored'));
      act(() => void model.set('todos.a.title', 'changed'));
      expect(view.container.textContent).toBe('changed');
      expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });

  it('with { suspense: true } shows the Suspense fallback until the document is loaded, then the document', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored' } });
    const model = opened.connect(server.url);
    const titles = new Recorder<string | undefined>();
    server.loads.hold();
    const view = await renderSuspending(model, suspended(<Title id="a" titles={titles} suspense />));
    expect(view.container.textContent).toBe('loading');
    await waitFor(() => expect(server.loads.waiting).toBe(1));
    await act(() => sleep(20));
    expect(view.container.textContent).toBe('loading');
    server.loads.release();
    await waitFor(() => expect(view.container.textContent).toBe('stored'));
    expect(titles.values.length).toBeGreaterThan(0);
    expect(titles.values.every((title) => title === 'stored')).toBe(true);
  });

  it('with { suspense: true } resumes for a document that does not exist, showing undefined', async () => {
    const server = await gatedServer(opened);
    const model = opened.connect(server.url);
    const titles = new Recorder<string | undefined>();
    const view = await renderSuspending(model, suspended(<Title id="missing" titles={titles} suspense />));
    expect(view.container.textContent).toBe('loading');
    await waitFor(() => expect(view.container.textContent).toBe('none'));
    expect(model.isLoaded('todos.missing')).toBe(true);
  });

  it.each([false, true])('keeps showing the previous document until the next id is loaded (suspense: %s)', async (suspense) => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'A' }, 'todos.b': { title: 'B' } });
    const model = opened.connect(server.url);
    const titles = new Recorder<string | undefined>();
    const view = await renderSuspending(model, suspended(<Title id="a" titles={titles} suspense={suspense} />));
    await waitFor(() => expect(view.container.textContent).toBe('A'));
    const switchedAt = titles.values.length;

    server.loads.hold();
    view.rerenderWith(suspended(<Title id="b" titles={titles} suspense={suspense} />));
    await waitFor(() => expect(server.loads.waiting).toBe(1));
    await act(() => sleep(20));
    expect(view.container.textContent).toBe('A');
    server.loads.release();
    await waitFor(() => expect(view.container.textContent).toBe('B'));

    const afterSwitch = titles.values.slice(switchedAt);
    expect(afterSwitch).not.toContain(undefined);
    const firstB = afterSwitch.indexOf('B');
    expect(afterSwitch.slice(0, firstB).every((title) => title === 'A')).toBe(true);
    expect(afterSwitch.slice(firstB).every((title) => title === 'B')).toBe(true);
  });
});
