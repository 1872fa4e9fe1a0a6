// @vitest-environment jsdom
import { act } from '@testing-library/react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { memo, type ReactNode } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../src/index.ts';
import { useDoc, useValue } from '../../src/react/index.ts';
import { provided, reactScope, RenderCounts, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();
const counts = new RenderCounts();
beforeEach(() => counts.reset());

interface Todo {
  readonly title: string;
  readonly done?: boolean;
}

function todos(): Model {
  const model = opened.model(createModel());
  model.set('todos.a', { title: 'A', done: false });
  model.set('todos.b', { title: 'B', done: false });
  model.set('todos.c', { title: 'C', done: false });
  return model;
}

function Value({ path, name }: { path: string; name: string }): ReactNode {
  counts.hit(name);
  return <span data-testid={name}>{JSON.stringify(useValue(path) ?? null)}</span>;
}

const Row = memo(function Row({ index }: { index: number }): ReactNode {
  counts.hit(`row:${index}`);
  return <li data-testid={`row:${index}`}>{useValue<string>(`_page.list.${index}.title`)}</li>;
});

function List(): ReactNode {
  counts.hit('list');
  const length = useValue<number>('_page.list.length') ?? 0;
  return <ul>{Array.from({ length }, (_, i) => <Row key={i} index={i} />)}</ul>;
}

describe('React hooks through refs', () => {
  it('useValue reads through a ref and re-renders only when the target value changes', () => {
    const model = todos();
    model.ref('_page.todo', 'todos.a');
    const view = renderWith(model, <>
      <Value path="_page.todo.title" name="title" />
      <Value path="_page.todo.done" name="done" />
    </>);
    expect(view.getByTestId('title').textContent).toBe('"A"');
    counts.reset();
    act(() => void model.set('todos.a.title', 'AA'));
    expect(view.getByTestId('title').textContent).toBe('"AA"');
    expect(counts.rendered()).toEqual({ title: 1 });
    counts.reset();
    act(() => void model.set('_page.todo.done', true)); // through the ref
    expect(model.get('todos.a.done')).toBe(true);
    expect(counts.rendered()).toEqual({ done: 1 });
  });

  it('re-renders a component when a ref is made, moved or removed at its path', () => {
    const model = todos();
    const view = renderWith(model, <Value path="_page.todo.title" name="title" />);
    expect(view.getByTestId('title').textContent).toBe('null');
    act(() => void model.ref('_page.todo', 'todos.b'));
    expect(view.getByTestId('title').textContent).toBe('"B"');
    act(() => void model.ref('_page.todo', 'todos.c'));
    expect(view.getByTestId('title').textContent).toBe('"C"');
    act(() => void model.removeRef('_page.todo'));
    expect(view.getByTestId('title').textContent).toBe('null');
  });

  it('rows of a ref list re-render only for their own item; the list only when its ids change', () => {
    const model = todos();
    model.set('_page.ids', ['a', 'b', 'c']);
    model.refList('_page.list', 'todos', '_page.ids');
    const view = renderWith(model, <List />);
    expect(view.getByTestId('row:1').textContent).toBe('B');
    counts.reset();
    act(() => void model.set('todos.b.title', 'BB'));
    expect(view.getByTestId('row:1').textContent).toBe('BB');
    expect(counts.rendered()).toEqual({ 'row:1': 1 });
    counts.reset();
    act(() => void model.set('todos.b.done', true)); // not read by any row
    expect(counts.rendered()).toEqual({});
    counts.reset();
    act(() => void model.push('_page.list', { id: 'd', title: 'D' }));
    expect(view.getByTestId('row:3').textContent).toBe('D');
    expect(counts.rendered()).toEqual({ list: 1, 'row:3': 1 });
    counts.reset();
    act(() => void model.move('_page.list', 0, 2));
    expect(view.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['BB', 'C', 'A', 'D']);
    expect(counts.of('list')).toBe(0);
    expect(counts.of('row:3')).toBe(0);
  });

  it('a component reading the whole ref list keeps its snapshot while unrelated documents change', () => {
    const model = todos();
    model.set('_page.ids', ['a']);
    model.refList('_page.list', 'todos', '_page.ids');
    renderWith(model, <Value path="_page.list" name="whole" />);
    counts.reset();
    act(() => void model.set('todos.c.title', 'CC'));
    expect(counts.rendered()).toEqual({});
    act(() => void model.set('todos.a.title', 'AA'));
    expect(counts.rendered()).toEqual({ whole: 1 });
  });

  it('useDoc reads a local document path that is a ref', () => {
    const model = todos();
    model.ref('_page.todo', 'todos.b');
    function Doc(): ReactNode {
      counts.hit('doc');
      const [todo] = useDoc<Todo>('_page', 'todo');
      return <span data-testid="doc">{todo?.title}</span>;
    }
    const view = renderWith(model, <Doc />);
    expect(view.getByTestId('doc').textContent).toBe('B');
    act(() => void model.set('todos.b.title', 'BB'));
    expect(view.getByTestId('doc').textContent).toBe('BB');
  });

  it('a page rendered on the server with refs hydrates from the bundle and stays live', async () => {
    const server = todos();
    server.ref('_page.todo', 'todos.a');
    server.set('_page.ids', ['c', 'a']);
    server.refList('_page.list', 'todos', '_page.ids');
    const page = (
      <>
        <Value path="_page.todo.title" name="title" />
        <List />
      </>
    );
    const html = renderToString(provided(server, page));
    const browser = opened.model(createModel({ bundle: JSON.parse(JSON.stringify(await server.bundle())) as never }));
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const errors: unknown[] = [];
    const root = hydrateRoot(container, provided(browser, page), { onRecoverableError: (error) => errors.push(error) });
    await act(async () => {});
    expect(errors).toEqual([]);
    expect(html).toContain('<li data-testid="row:0">C</li>');
    expect(container.querySelector('[data-testid="title"]')?.textContent).toBe('"A"');
    expect([...container.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['C', 'A']);
    act(() => void browser.set('todos.a.title', 'AA'));
    expect(container.querySelector('[data-testid="title"]')?.textContent).toBe('"AA"');
    expect(container.querySelector('[data-testid="row:1"]')?.textContent).toBe('AA');
    act(() => root.unmount());
    container.remove();
  });
});
