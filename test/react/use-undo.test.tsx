// @vitest-environment jsdom
import { act, fireEvent } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/index.ts';
import { useUndo, useValue, type UndoControls } from '../../src/react/index.ts';
import { reactScope, Recorder, renderWith } from '../helpers/react-fixtures.tsx';
import { client, waitFor } from '../helpers/sync-fixtures.ts';

const opened = reactScope();

/** Undo and redo buttons, enabled as the hook says, and the title of todos.a. */
function Toolbar({ paths, seen }: { paths?: readonly string[]; seen?: Recorder<UndoControls> }): ReactNode {
  const controls = useUndo(paths, { captureTimeoutMs: 0 });
  seen?.record(controls);
  const title = useValue<string>('todos.a.title');
  return (
    <>
      <button onClick={controls.undo} disabled={!controls.canUndo}>
        undo
      </button>
      <button onClick={controls.redo} disabled={!controls.canRedo}>
        redo
      </button>
      <p>{title ?? 'none'}</p>
    </>
  );
}

const button = (view: ReturnType<typeof renderWith>, name: string): HTMLButtonElement =>
  view.getByText(name) as HTMLButtonElement;

describe('useUndo', () => {
  it('undoes and redoes this client’s changes and re-renders as canUndo and canRedo change', () => {
    const model = opened.model(createModel());
    model.set('todos.a.title', 'one');
    const view = renderWith(model, <Toolbar />);
    expect([button(view, 'undo').disabled, button(view, 'redo').disabled]).toEqual([true, true]);
    act(() => void model.set('todos.a.title', 'two'));
    expect([button(view, 'undo').disabled, button(view, 'redo').disabled]).toEqual([false, true]);
    fireEvent.click(button(view, 'undo'));
    expect(view.getByText('one')).toBeTruthy();
    expect([button(view, 'undo').disabled, button(view, 'redo').disabled]).toEqual([true, false]);
    fireEvent.click(button(view, 'redo'));
    expect(view.getByText('two')).toBeTruthy();
    expect([button(view, 'undo').disabled, button(view, 'redo').disabled]).toEqual([false, true]);
  });

  it('tracks only the given paths', () => {
    const model = opened.model(createModel());
    model.set('todos.a.title', 'one');
    const view = renderWith(model, <Toolbar paths={['users']} />);
    act(() => void model.set('todos.a.title', 'two'));
    expect(button(view, 'undo').disabled).toBe(true);
    act(() => void model.set('users.u.name', 'u'));
    expect(button(view, 'undo').disabled).toBe(false);
  });

  it('keeps one manager across renders with inline paths, stable callbacks, and destroys it on unmount', () => {
    const model = opened.model(createModel());
    const seen = new Recorder<UndoControls>();
    const view = renderWith(model, <Toolbar paths={['todos']} seen={seen} />);
    act(() => void model.set('todos.a.title', 'one'));
    view.rerenderWith(<Toolbar paths={['todos']} seen={seen} />);
    const all = seen.values;
    expect(all.length).toBeGreaterThan(2);
    expect(new Set(all.map((controls) => controls.undo)).size).toBe(1);
    expect(model.store.entryOpened.size).toBe(1);
    view.unmount();
    expect(model.store.entryOpened.size).toBe(0);
  });

  it('records each change once under StrictMode', () => {
    const model = opened.model(createModel());
    model.set('todos.a.title', 'one');
    const view = renderWith(model, <Toolbar />, true);
    expect(model.store.entryOpened.size).toBe(1);
    act(() => void model.set('todos.a.title', 'two'));
    fireEvent.click(button(view, 'undo'));
    expect(view.getByText('one')).toBeTruthy();
    expect(button(view, 'undo').disabled).toBe(true);
    view.unmount();
    expect(model.store.entryOpened.size).toBe(0);
  });

  it('syncs undo through the server and leaves another user’s change alone', async () => {
    const { url } = await opened.serve();
    const mine = opened.model(client(url));
    const theirs = opened.model(client(url));
    await mine.subscribe('todos.a');
    await theirs.subscribe('todos.a');
    mine.set('todos.a', { title: 'one', done: false });
    await waitFor(() => theirs.get('todos.a.title') === 'one', 5000, 'the document to reach the other user');
    const view = renderWith(mine, <Toolbar />);
    act(() => void mine.set('todos.a.title', 'two'));
    act(() => void theirs.set('todos.a.done', true));
    await act(() => waitFor(() => mine.get('todos.a.done') === true, 5000, 'the other user’s change'));
    fireEvent.click(button(view, 'undo'));
    expect(view.getByText('one')).toBeTruthy();
    await mine.whenNothingPending();
    await waitFor(() => theirs.get('todos.a.title') === 'one', 5000, 'the undo to reach the other user');
    expect(theirs.get('todos.a')).toEqual({ title: 'one', done: true });
    expect(mine.get('todos.a')).toEqual({ title: 'one', done: true });
  });
});
