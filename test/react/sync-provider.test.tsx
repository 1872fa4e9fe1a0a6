// @vitest-environment jsdom
import { act, render, renderHook, waitFor } from '@testing-library/react';
import { Activity, StrictMode, Suspense, use, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createModel, type Model, type ModelBundle } from '../../src/index.ts';
import { SyncProvider, useDoc, useModel, usePending, useQuery, useQueryIds, useSyncStatus, useValue } from '../../src/react/index.ts';
import type * as CreateModelModule from '../../src/client/create-model.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { sleep } from '../helpers/server-fixtures.ts';
import { gatedServer, reactScope, Recorder, seed } from '../helpers/react-fixtures.tsx';

// Counts the models the provider creates (StrictMode must not leave a second one behind).
const created = vi.hoisted(() => ({ models: [] as Model[] }));
vi.mock('../../src/client/create-model.ts', async (importOriginal) => {
  const original = await importOriginal<typeof CreateModelModule>();
  return {
    ...original,
    createModel: (...args: Parameters<typeof original.createModel>) => {
      const model = original.createModel(...args);
      created.models.push(model);
      return model;
    },
  };
});

const opened = reactScope();

const HOOKS: ReadonlyArray<readonly [string, () => unknown]> = [
  ['useModel', () => useModel()],
  ['useValue', () => useValue('todos.a')],
  ['useDoc', () => useDoc('todos', 'a')],
  ['useQuery', () => useQuery('todos', {})],
  ['useQueryIds', () => useQueryIds('todos', {})],
  ['useSyncStatus', () => useSyncStatus()],
  ['usePending', () => usePending('todos.a')],
];

describe('hooks outside a SyncProvider', () => {
  it.each(HOOKS)('%s throws an error naming the hook and SyncProvider', (name, hook) => {
    const silenced = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => renderHook(hook)).toThrow(new RegExp(`${name}\\(\\).*no model here.*<SyncProvider`));
    } finally {
      silenced.mockRestore();
    }
  });

  it.each(HOOKS)('%s works once wrapped in a SyncProvider', (_name, hook) => {
    const model = opened.model(createModel());
    const wrapper = ({ children }: { children: ReactNode }): ReactNode => <SyncProvider model={model}>{children}</SyncProvider>;
    expect(() => renderHook(hook, { wrapper })).not.toThrow();
  });
});

/** Shows `todos.a.title` and hands out the provider's model. */
function Title({ seen, titles }: { seen: Recorder<Model>; titles: Recorder<string | undefined> }): ReactNode {
  const model = useModel();
  seen.record(model);
  const [todo] = useDoc<{ title: string }>('todos', 'a');
  return <p>{titles.record(todo?.title)}</p>;
}

/** A server with `todos.a` stored, and the bundle an in-process model makes after subscribing to it. */
async function serverWithBundle(): Promise<{ url: string; bundle: ModelBundle; connections: () => number }> {
  const storage = memoryStorage();
  await seed(storage, { 'todos.a': { title: 'from the server' } });
  const { url, server } = await opened.serve({ storage });
  const ssr = server.createModel();
  await ssr.subscribe('todos.a');
  const bundle = await ssr.bundle();
  ssr.close();
  return { url, bundle, connections: () => server.connectionCount };
}

const socketOptions = { WebSocket: WebSocket as never, backoff: { baseMs: 20, maxMs: 200 } };

describe('SyncProvider', () => {
  it('provides the given model and leaves it open on unmount', async () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'mine' });
    const seen = new Recorder<Model>();
    const titles = new Recorder<string | undefined>();
    const view = render(
      <SyncProvider model={model}>
        <Title seen={seen} titles={titles} />
      </SyncProvider>,
    );
    expect(seen.last).toBe(model);
    expect(view.container.textContent).toBe('mine');
    view.unmount();
    await sleep(10);
    expect(model.store.closed).toBe(false);
  });

  it('given a url and a bundle, shows the bundle data in the first render and connects after mounting', async () => {
    const { url, bundle, connections } = await serverWithBundle();
    const seen = new Recorder<Model>();
    const titles = new Recorder<string | undefined>();
    const statesWhileRendering: string[] = [];
    function State(): ReactNode {
      statesWhileRendering.push(useModel().connection.state);
      return null;
    }
    render(
      <SyncProvider url={url} bundle={bundle} options={socketOptions}>
        <Title seen={seen} titles={titles} />
        <State />
      </SyncProvider>,
    );
    expect(titles.values[0]).toBe('from the server');
    expect(titles.values).not.toContain(undefined);
    // Not connected while rendering: the effect opens the connection.
    expect(statesWhileRendering[0]).toBe('offline');
    const model = seen.last as Model;
    expect(model.connection.url).toBe(url);
    await waitFor(() => expect(model.connection.state).toBe('online'));
    await waitFor(() => expect(connections()).toBe(1));
  });

  it('keeps receiving the bundle documents changes once connected', async () => {
    const { url, bundle } = await serverWithBundle();
    const seen = new Recorder<Model>();
    const titles = new Recorder<string | undefined>();
    const view = render(
      <SyncProvider url={url} bundle={bundle} options={socketOptions}>
        <Title seen={seen} titles={titles} />
      </SyncProvider>,
    );
    const writer = opened.connect(url);
    await writer.subscribe('todos.a');
    writer.set('todos.a.title', 'changed elsewhere');
    await waitFor(() => expect(view.container.textContent).toBe('changed elsewhere'));
  });

  it('closes the model it created on unmount', async () => {
    const { url, bundle, connections } = await serverWithBundle();
    const seen = new Recorder<Model>();
    const view = render(
      <SyncProvider url={url} bundle={bundle} options={socketOptions}>
        <Title seen={seen} titles={new Recorder()} />
      </SyncProvider>,
    );
    const model = seen.last as Model;
    await waitFor(() => expect(model.connection.state).toBe('online'));
    view.unmount();
    await waitFor(() => expect(model.store.closed).toBe(true));
    await waitFor(() => expect(connections()).toBe(0));
  });

  it('under StrictMode, keeps its model open through the remount and closes it on the real unmount', async () => {
    const { url, bundle } = await serverWithBundle();
    const seen = new Recorder<Model>();
    const titles = new Recorder<string | undefined>();
    const view = render(
      <StrictMode>
        <SyncProvider url={url} bundle={bundle} options={socketOptions}>
          <Title seen={seen} titles={titles} />
        </SyncProvider>
      </StrictMode>,
    );
    expect(new Set(seen.values).size).toBe(1);
    const model = seen.last as Model;
    await act(() => sleep(30)); // past the close timer StrictMode's unmount would have started
    expect(model.store.closed).toBe(false);
    await waitFor(() => expect(model.connection.state).toBe('online'));
    const writer = opened.connect(url);
    await writer.subscribe('todos.a');
    writer.set('todos.a.title', 'after the remount');
    await waitFor(() => expect(view.container.textContent).toBe('after the remount'));
    expect(titles.values).not.toContain(undefined);
    view.unmount();
    await waitFor(() => expect(model.store.closed).toBe(true));
  });

  // StrictMode calls a useState initializer twice: a provider creating its model there makes a
  // second model (bundle loaded, its subscribe requested) that is never connected, used or closed.
  it('creates a single model under StrictMode, and closes what it created on unmount', async () => {
    const { url, bundle } = await serverWithBundle();
    const before = created.models.length;
    const view = render(
      <StrictMode>
        <SyncProvider url={url} bundle={bundle} options={socketOptions}>
          <Title seen={new Recorder()} titles={new Recorder()} />
        </SyncProvider>
      </StrictMode>,
    );
    const mine = created.models.slice(before);
    try {
      expect(mine).toHaveLength(1);
      await waitFor(() => expect(mine[0]?.connection.state).toBe('online'));
      view.unmount();
      await waitFor(() => expect(mine.every((model) => model.store.closed)).toBe(true));
    } finally {
      // Close the extra model (its pending bundle subscribe then logs "the model was closed").
      const silenced = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      for (const model of mine) model.close();
      await sleep(0);
      silenced.mockRestore();
    }
  });

  it('creates a single model when its first mount suspends and is retried', async () => {
    const { url, bundle } = await serverWithBundle();
    const before = created.models.length;
    let resume = (): void => undefined;
    const gate = new Promise<void>((resolve) => (resume = resolve));
    let open = false;
    function Waits(): ReactNode {
      if (!open) use(gate);
      return <p>ready</p>;
    }
    const view = await act(async () =>
      render(
        <Suspense fallback={<p>loading</p>}>
          <SyncProvider url={url} bundle={bundle} options={socketOptions}>
            <Waits />
          </SyncProvider>
        </Suspense>,
      ),
    );
    expect(view.container.textContent).toBe('loading');
    await act(async () => {
      open = true;
      resume();
      await gate;
    });
    await waitFor(() => expect(view.container.textContent).toBe('ready'));
    const mine = created.models.slice(before);
    expect(mine).toHaveLength(1);
    await waitFor(() => expect(mine[0]?.connection.state).toBe('online'));
    view.unmount();
    await waitFor(() => expect(mine[0]?.store.closed).toBe(true));
  });

  it('closes its model while hidden in an <Activity>, and provides a new connected one when shown again', async () => {
    const { url, bundle } = await serverWithBundle();
    const seen = new Recorder<Model>();
    const tree = (mode: 'visible' | 'hidden'): ReactNode => (
      <Activity mode={mode}>
        <SyncProvider url={url} bundle={bundle} options={socketOptions}>
          <Title seen={seen} titles={new Recorder()} />
        </SyncProvider>
      </Activity>
    );
    const errors = vi.spyOn(console, 'error');
    const view = render(tree('visible'));
    const first = seen.last as Model;
    await waitFor(() => expect(first.connection.state).toBe('online'));
    view.rerender(tree('hidden'));
    await waitFor(() => expect(first.store.closed).toBe(true));
    view.rerender(tree('visible'));
    await waitFor(() => expect(seen.last).not.toBe(first));
    const second = seen.last as Model;
    expect(second.store.closed).toBe(false);
    await waitFor(() => expect(second.connection.state).toBe('online'));
    await waitFor(() => expect(view.container.textContent).toBe('from the server'));
    view.unmount();
    await waitFor(() => expect(second.store.closed).toBe(true));
    expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
    errors.mockRestore();
  });

  // Closing the model rejects the bundle's pending subscribe: that must not be logged as a failure.
  it('closes quietly when unmounted before the server answered the bundle subscriptions', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored' } }, { unloadDelayMs: 1 });
    const ssr = server.server.createModel();
    await ssr.subscribe('todos.a');
    const bundle = await ssr.bundle();
    ssr.close();
    await waitFor(() => expect(server.server.roomCount).toBe(0));
    server.loads.hold(); // the client's subscribe now waits for storage
    const seen = new Recorder<Model>();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const view = render(
        <SyncProvider url={server.url} bundle={bundle} options={socketOptions}>
          <Title seen={seen} titles={new Recorder()} />
        </SyncProvider>,
      );
      const model = seen.last as Model;
      await waitFor(() => expect(model.connection.state).toBe('online'));
      await waitFor(() => expect(server.loads.waiting).toBe(1));
      view.unmount();
      await waitFor(() => expect(model.store.closed).toBe(true));
      await sleep(10);
      expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });
});
