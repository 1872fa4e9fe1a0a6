// @vitest-environment jsdom
import { act } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../src/index.ts';
import { useFilter } from '../../src/react/index.ts';
import { reactScope, RenderCounts, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

interface Todo {
  readonly title: string;
  readonly done: boolean;
  readonly rank: number;
}

const isOpen = (todo: Todo): boolean => !todo.done;
const byRank = (a: Todo, b: Todo): number => a.rank - b.rank;

function OpenTodos({ counts, limit }: { counts?: RenderCounts; limit?: number }): ReactNode {
  counts?.hit('list');
  const todos = useFilter<Todo>('todos', isOpen, { sort: byRank, ...(limit === undefined ? {} : { limit }) });
  return <p>{todos.map((todo) => todo.title).join(',')}</p>;
}

function seeded(): Model {
  const model = opened.model(createModel());
  model.add('todos', { id: 'a', title: 'A', done: false, rank: 2 });
  model.add('todos', { id: 'b', title: 'B', done: true, rank: 1 });
  model.add('todos', { id: 'c', title: 'C', done: false, rank: 3 });
  return model;
}

describe('useFilter', () => {
  it('shows the filtered, sorted items and follows changes', () => {
    const model = seeded();
    const view = renderWith(model, <OpenTodos />);
    expect(view.container.textContent).toBe('A,C');
    act(() => void model.set('todos.b.done', false));
    expect(view.container.textContent).toBe('B,A,C');
    act(() => void model.set('todos.c.rank', 0));
    expect(view.container.textContent).toBe('C,B,A');
    act(() => void model.del('todos.a'));
    expect(view.container.textContent).toBe('C,B');
  });

  it('re-renders only when the result changes', () => {
    const model = seeded();
    const counts = new RenderCounts();
    renderWith(model, <OpenTodos counts={counts} limit={1} />, true);
    counts.reset();
    act(() => void model.set('todos.b.title', 'B2')); // not in the result
    act(() => void model.set('todos.c.title', 'C2')); // in the result but outside the window
    act(() => void model.set('_page.other', 1));
    expect(counts.of('list')).toBe(0);
    act(() => void model.set('todos.a.title', 'A2'));
    expect(counts.of('list')).toBeGreaterThan(0);
  });

  it('takes additional inputs', () => {
    const model = seeded();
    model.set('_page.maxRank', 2);
    function Ranked(): ReactNode {
      const todos = useFilter<Todo>('todos', (todo: Todo, _id: string, _all: unknown, max: number) => todo.rank <= max, { inputs: ['_page.maxRank'], sort: byRank });
      return <p>{todos.map((todo) => todo.title).join(',')}</p>;
    }
    const view = renderWith(model, <Ranked />);
    expect(view.container.textContent).toBe('B,A');
    act(() => void model.set('_page.maxRank', 3));
    expect(view.container.textContent).toBe('B,A,C');
  });

  it('stops following the model on unmount', () => {
    const model = seeded();
    const before = model.store.bus.size;
    const view = renderWith(model, <OpenTodos />);
    expect(model.store.bus.size).toBeGreaterThan(before);
    view.unmount();
    expect(model.store.bus.size).toBe(before);
  });
});
