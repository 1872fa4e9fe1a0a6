// @vitest-environment jsdom
import { act, waitFor } from '@testing-library/react';
import { memo, type ReactNode } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../src/index.ts';
import { useDoc, useQuery, useQueryIds, useValue } from '../../src/react/index.ts';
import { sleep } from '../helpers/server-fixtures.ts';
import { gatedServer, reactScope, RenderCounts, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

const ROWS = 1000;
const IDS: readonly string[] = Array.from({ length: ROWS }, (_, i) => `t${String(i).padStart(4, '0')}`);
const docs = (): Record<string, { title: string; rank: number }> =>
  Object.fromEntries(IDS.map((id, rank) => [`todos.${id}`, { title: `todo ${rank}`, rank }]));

interface Todo {
  readonly title: string;
  readonly rank: number;
}

const counts = new RenderCounts();
beforeEach(() => counts.reset());

const DocRow = memo(function DocRow({ id }: { id: string }): ReactNode {
  counts.hit(`row:${id}`);
  const [todo] = useDoc<Todo>('todos', id);
  return <li data-id={id}>{todo?.title}</li>;
});

const ValueRow = memo(function ValueRow({ id }: { id: string }): ReactNode {
  counts.hit(`row:${id}`);
  return <li data-id={id}>{useValue<Todo>(`todos.${id}`)?.title}</li>;
});

type RowComponent = typeof DocRow;

/** The list reads its ids with useQueryIds (`rowOf` picks each row's component). */
function QueryList({ Row, rowOf }: { Row?: RowComponent; rowOf?: (id: string) => RowComponent }): ReactNode {
  counts.hit('list');
  const ids = useQueryIds('todos', { $sort: { rank: 1 } });
  return (
    <ul>
      {ids.map((id) => {
        const Component = rowOf?.(id) ?? Row ?? DocRow;
        return <Component key={id} id={id} />;
      })}
    </ul>
  );
}

/** useDoc rows for the first half of the ids, useValue rows for the second. */
const mixedRows = (id: string): RowComponent => (id < `t${String(ROWS / 2).padStart(4, '0')}` ? DocRow : ValueRow);

/** The list gets a stable array of ids. */
function ArrayList({ Row, ids }: { Row: RowComponent; ids: readonly string[] }): ReactNode {
  counts.hit('list');
  return <ul>{ids.map((id) => <Row key={id} id={id} />)}</ul>;
}

/** Rows take their document from useQuery (structural sharing keeps the others' identity). */
const DocPropRow = memo(function DocPropRow({ id, todo }: { id: string; todo: Todo }): ReactNode {
  counts.hit(`row:${id}`);
  return <li data-id={id}>{todo.title}</li>;
});

function DocsList(): ReactNode {
  counts.hit('list');
  const [todos, , { ids }] = useQuery<Todo>('todos', { $sort: { rank: 1 } });
  return <ul>{todos.map((todo, i) => <DocPropRow key={ids[i]} id={ids[i] ?? ''} todo={todo} />)}</ul>;
}

function localModel(): Model {
  const model = opened.model(createModel());
  for (const [path, value] of Object.entries(docs())) model.set(path, value);
  return model;
}

const rowText = (container: HTMLElement, id: string): string | null | undefined => container.querySelector(`li[data-id="${id}"]`)?.textContent;

const LISTS: ReadonlyArray<readonly [string, () => ReactNode]> = [
  ['useQueryIds list, useDoc rows', () => <QueryList Row={DocRow} />],
  ['useQueryIds list, useValue rows', () => <QueryList Row={ValueRow} />],
];

describe('render precision with 1,000 rows', () => {
  it.each(LISTS)('%s: changing one field renders that row once and the list not at all; adding a document renders the list once', (_name, list) => {
    const model = localModel();
    const view = renderWith(model, list());
    expect(view.container.querySelectorAll('li')).toHaveLength(ROWS);
    expect(counts.of('row:t0500')).toBe(1);
    counts.reset();
    act(() => void model.set('todos.t0500.title', 'changed'));
    expect(rowText(view.container, 't0500')).toBe('changed');
    expect(counts.rendered()).toEqual({ 'row:t0500': 1 });
    act(() => void model.setDiff('todos.t0001.rank', 1)); // the same value: no change at all
    expect(counts.rendered()).toEqual({ 'row:t0500': 1 });

    counts.reset();
    act(() => void model.add('todos', { id: 'zz', title: 'new', rank: ROWS }));
    expect(view.container.querySelectorAll('li')).toHaveLength(ROWS + 1);
    expect(rowText(view.container, 'zz')).toBe('new');
    expect(counts.rendered()).toEqual({ list: 1, 'row:zz': 1 });
  });

  it('stable array list, useDoc and useValue rows: changing one field renders that row once and the list not at all', () => {
    const model = localModel();
    const half = IDS.length / 2;
    const view = renderWith(
      model,
      <>
        <ArrayList Row={DocRow} ids={IDS.slice(0, half)} />
        <ArrayList Row={ValueRow} ids={IDS.slice(half)} />
      </>,
    );
    expect(view.container.querySelectorAll('li')).toHaveLength(ROWS);
    counts.reset();
    act(() => {
      model.set('todos.t0100.title', 'changed by useDoc');
      model.set('todos.t0900.title', 'changed by useValue');
    });
    expect(rowText(view.container, 't0100')).toBe('changed by useDoc');
    expect(rowText(view.container, 't0900')).toBe('changed by useValue');
    expect(counts.rendered()).toEqual({ 'row:t0100': 1, 'row:t0900': 1 });
  });

  it('useQuery list with document props: one change renders the list once and only that row', () => {
    const model = localModel();
    const view = renderWith(model, <DocsList />);
    counts.reset();
    act(() => void model.set('todos.t0500.title', 'changed'));
    expect(rowText(view.container, 't0500')).toBe('changed');
    expect(counts.rendered()).toEqual({ list: 1, 'row:t0500': 1 });
  });

  it('a remote change from another model renders that row once and the list not at all (useDoc and useValue rows)', async () => {
    const server = await gatedServer(opened, docs());
    const reader = opened.connect(server.url);
    const writer = opened.connect(server.url);
    const paths = IDS.map((id) => `todos.${id}`);
    await Promise.all([reader.subscribe(paths), writer.subscribe(paths)]);
    const view = renderWith(reader, <QueryList rowOf={mixedRows} />);
    expect(view.container.querySelectorAll('li')).toHaveLength(ROWS);
    await act(() => sleep(20)); // the rows' own subscribes resolve (already live: no render)
    for (const [id, kind] of [['t0100', 'useDoc'], ['t0900', 'useValue']] as const) {
      counts.reset();
      writer.set(`todos.${id}.title`, `remote ${kind}`);
      await waitFor(() => expect(rowText(view.container, id)).toBe(`remote ${kind}`), { interval: 5 });
      await act(() => sleep(30)); // anything else that would render has had its chance
      expect(counts.rendered(), kind).toEqual({ [`row:${id}`]: 1 });
    }
  });
});
