// @vitest-environment jsdom
import { act, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/index.ts';
import { useModel, useValue } from '../../src/react/index.ts';
import { gatedServer, reactScope, Recorder, RenderCounts, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

/** Shows the JSON of the value at `path`, counting renders under `path` and recording each value. */
function Value({ path, counts, values }: { path: string; counts?: RenderCounts; values?: Recorder<unknown> }): ReactNode {
  counts?.hit(path);
  const value = useValue(path);
  values?.record(value);
  return <p>{value === undefined ? 'undefined' : JSON.stringify(value)}</p>;
}

describe('useValue', () => {
  it('returns the snapshot at a path and follows changes at and below it', () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one', meta: { tags: ['x'] } });
    const view = renderWith(model, <Value path="todos.a.meta" />);
    expect(view.container.textContent).toBe('{"tags":["x"]}');
    act(() => void model.push('todos.a.meta.tags', 'y'));
    expect(view.container.textContent).toBe('{"tags":["x","y"]}');
    act(() => void model.set('todos.a.meta', { tags: [] }));
    expect(view.container.textContent).toBe('{"tags":[]}');
  });

  it('follows a replaced or deleted ancestor', () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one' });
    const view = renderWith(model, <Value path="todos.a.title" />);
    act(() => void model.set('todos.a', { title: 'replaced' }));
    expect(view.container.textContent).toBe('"replaced"');
    act(() => void model.del('todos.a'));
    expect(view.container.textContent).toBe('undefined');
    act(() => void model.create('todos.a', { title: 'created again' }));
    expect(view.container.textContent).toBe('"created again"');
  });

  it('does not re-render for sibling paths, other documents or other collections', () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one', done: false });
    model.set('todos.b', { title: 'two', done: false });
    const counts = new RenderCounts();
    renderWith(model, <Value path="todos.a.title" counts={counts} />);
    counts.reset();
    act(() => {
      model.set('todos.a.done', true);
      model.set('todos.b.title', 'TWO');
      model.set('users.u', { title: 'x' });
      model.set('_page.title', 'local');
    });
    expect(counts.rendered()).toEqual({});
    act(() => void model.set('todos.a.title', 'ONE'));
    expect(counts.rendered()).toEqual({ 'todos.a.title': 1 });
  });

  it('keeps the identity of an unchanged subtree when a sibling changes', () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one', tags: ['x', 'y'] });
    const whole = new Recorder<unknown>();
    const tags = new Recorder<unknown>();
    const counts = new RenderCounts();
    renderWith(
      model,
      <>
        <Value path="todos.a" values={whole} />
        <Value path="todos.a.tags" values={tags} counts={counts} />
      </>,
    );
    counts.reset();
    act(() => void model.set('todos.a.title', 'two'));
    expect(counts.rendered()).toEqual({});
    expect(whole.values).toHaveLength(2);
    const [before, after] = whole.values as Array<{ tags: unknown }>;
    expect(after?.tags).toBe(before?.tags);
    expect(after?.tags).toBe(tags.last);
  });

  it('reads local (_page) paths and paths relative to a scoped provider model', () => {
    const model = opened.model(createModel());
    model.set('_page.filter', 'active');
    model.set('todos.a', { title: 'one' });
    const page = renderWith(model, <Value path="_page.filter" />);
    expect(page.container.textContent).toBe('"active"');
    const scoped = renderWith(model.at('todos'), <Value path="a.title" />);
    expect(scoped.container.textContent).toBe('"one"');
    act(() => {
      model.set('_page.filter', 'done');
      model.set('todos.a.title', 'two');
    });
    expect(page.container.textContent).toBe('"done"');
    expect(scoped.container.textContent).toBe('"two"');
  });

  it('shows a remote change to a subscribed document', async () => {
    const server = await gatedServer(opened, { 'todos.a': { title: 'stored' } });
    const model = opened.connect(server.url);
    const writer = opened.connect(server.url);
    await Promise.all([model.subscribe('todos.a'), writer.subscribe('todos.a')]);
    const view = renderWith(model, <Value path="todos.a.title" />);
    expect(view.container.textContent).toBe('"stored"');
    writer.set('todos.a.title', 'remote');
    await waitFor(() => expect(view.container.textContent).toBe('"remote"'));
  });
});

describe('useModel', () => {
  it('returns a model scoped at the path that never re-renders the component', () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one' });
    const counts = new RenderCounts();
    const seen = new Recorder<string>();
    function Writer(): ReactNode {
      counts.hit('writer');
      const $todo = useModel('todos.a');
      seen.record($todo.path());
      return <button onClick={() => $todo.set('title', 'clicked')}>{'set'}</button>;
    }
    const view = renderWith(model, <Writer />);
    counts.reset();
    act(() => view.getByRole('button').click());
    expect(model.get('todos.a.title')).toBe('clicked');
    expect(counts.rendered()).toEqual({});
    expect(seen.values).toEqual(['todos.a']);
  });
});
