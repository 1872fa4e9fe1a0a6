// @vitest-environment jsdom
import { act, waitFor } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/index.ts';
import { usePending, useSyncStatus, type SyncStatus } from '../../src/react/index.ts';
import { gatedServer, reactScope, Recorder, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

/** Records every status it renders, and shows it. */
function Status({ statuses }: { statuses: Recorder<SyncStatus> }): ReactNode {
  const status = statuses.record(useSyncStatus());
  return <p>{`${status.connection} ${status.pending ? 'pending' : 'saved'}`}</p>;
}

/** Shows `path: true|false` for each path's usePending. */
function Pending({ path }: { path: string }): ReactNode {
  return <li>{`${path}: ${String(usePending(path))}`}</li>;
}

/** Removes consecutive duplicates. */
const collapse = <T,>(values: readonly T[]): T[] => values.filter((value, i) => i === 0 || value !== values[i - 1]);

describe('useSyncStatus', () => {
  it('is offline, saved and never synced for a model without a server', () => {
    const statuses = new Recorder<SyncStatus>();
    renderWith(opened.model(createModel()), <Status statuses={statuses} />);
    expect(statuses.last).toEqual({ connection: 'offline', pending: false, pendingCount: 0, lastSyncedAt: null });
  });

  it('goes from connecting to online against a server', async () => {
    const { url } = await gatedServer(opened);
    const statuses = new Recorder<SyncStatus>();
    const view = renderWith(opened.connect(url), <Status statuses={statuses} />);
    expect(view.container.textContent).toBe('connecting saved');
    await waitFor(() => expect(view.container.textContent).toBe('online saved'));
    expect(collapse(statuses.values.map((status) => status.connection))).toEqual(['connecting', 'online']);
  });

  it('is pending after a write until the server stored it, then sets lastSyncedAt', async () => {
    const server = await gatedServer(opened);
    const model = opened.connect(server.url);
    const statuses = new Recorder<SyncStatus>();
    const view = renderWith(model, <Status statuses={statuses} />);
    await waitFor(() => expect(view.container.textContent).toBe('online saved'));
    expect(statuses.last?.lastSyncedAt).toBeNull();

    server.appends.hold();
    const wroteAt = Date.now();
    act(() => void model.set('todos.a', { title: 'x' }));
    await waitFor(() => expect(view.container.textContent).toBe('online pending'));
    await waitFor(() => expect(server.appends.waiting).toBe(1));
    expect(statuses.last?.lastSyncedAt).toBeNull();
    server.appends.release();
    await waitFor(() => expect(view.container.textContent).toBe('online saved'));
    expect(statuses.last?.lastSyncedAt).toBeGreaterThanOrEqual(wroteAt);
    expect(collapse(statuses.values.map((status) => status.pending))).toEqual([false, true, false]);
  });

  it('counts the documents with a change the server has not stored yet', async () => {
    const server = await gatedServer(opened);
    const model = opened.connect(server.url);
    const statuses = new Recorder<SyncStatus>();
    const view = renderWith(model, <Status statuses={statuses} />);
    await waitFor(() => expect(view.container.textContent).toBe('online saved'));
    expect(statuses.last?.pendingCount).toBe(0);

    server.appends.hold();
    act(() => void model.set('todos.a', { title: 'x' }));
    act(() => void model.set('todos.a.title', 'y')); // the same document: still one
    await waitFor(() => expect(statuses.last?.pendingCount).toBe(1));
    act(() => void model.set('todos.b', { title: 'z' }));
    await waitFor(() => expect(statuses.last?.pendingCount).toBe(2));
    expect(model.pendingCount()).toBe(2);
    server.appends.release();
    await waitFor(() => expect(statuses.last?.pendingCount).toBe(0));
    expect(statuses.last?.pending).toBe(false);
    expect(collapse(statuses.values.map((status) => status.pendingCount)).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('returns the same status object while nothing changed', async () => {
    const { url } = await gatedServer(opened);
    const statuses = new Recorder<SyncStatus>();
    let bump: () => void = () => undefined;
    function Parent(): ReactNode {
      const [n, setN] = useState(0);
      bump = () => setN(n + 1);
      return <Status statuses={statuses} />;
    }
    const view = renderWith(opened.connect(url), <Parent />);
    await waitFor(() => expect(view.container.textContent).toBe('online saved'));
    const before = statuses.values.length;
    act(() => bump());
    expect(statuses.values).toHaveLength(before + 1);
    expect(statuses.last).toBe(statuses.values[before - 1]);
  });

  it('leaves online when the server closes', async () => {
    const server = await gatedServer(opened);
    const statuses = new Recorder<SyncStatus>();
    const view = renderWith(opened.connect(server.url), <Status statuses={statuses} />);
    await waitFor(() => expect(view.container.textContent).toBe('online saved'));
    await server.server.close();
    await waitFor(() => expect(['connecting', 'offline']).toContain(statuses.last?.connection));
    expect(view.container.textContent).toMatch(/^(connecting|offline) saved$/);
  });
});

describe('usePending', () => {
  it('is true only for the document written, at any path inside it, until the server stored it', async () => {
    const server = await gatedServer(opened);
    const model = opened.connect(server.url);
    const view = renderWith(
      model,
      <ul>
        <Pending path="todos.a" />
        <Pending path="todos.a.title" />
        <Pending path="todos.b" />
      </ul>,
    );
    const shown = (): string[] => [...view.container.querySelectorAll('li')].map((li) => li.textContent ?? '');
    await waitFor(() => expect(model.connection.state).toBe('online'));
    expect(shown()).toEqual(['todos.a: false', 'todos.a.title: false', 'todos.b: false']);

    server.appends.hold();
    act(() => void model.set('todos.a', { title: 'x' }));
    await waitFor(() => expect(shown()).toEqual(['todos.a: true', 'todos.a.title: true', 'todos.b: false']));
    await waitFor(() => expect(server.appends.waiting).toBe(1));
    server.appends.release();
    await waitFor(() => expect(shown()).toEqual(['todos.a: false', 'todos.a.title: false', 'todos.b: false']));
  });

  it('is false for a model without a server', () => {
    const model = opened.model(createModel());
    const view = renderWith(model, <Pending path="todos.a" />);
    act(() => void model.set('todos.a', { title: 'x' }));
    expect(view.container.textContent).toBe('todos.a: false');
  });
});
