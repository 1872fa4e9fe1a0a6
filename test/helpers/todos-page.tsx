/**
 * A small todos page for the server-side-render tests: a list document gives
 * the order, each row reads its own todo with `useDoc`, a `$count` query
 * gives what is left and `useValue` reads an app-local heading. Every render
 * reports what it showed to `record`, so a test sees a loading state even
 * if it never reached the DOM.
 */
import type { ReactNode } from 'react';
import type { Model } from '../../src/index.ts';
import { useDoc, useModel, useQuery, useValue } from '../../src/react/index.ts';

export interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
}

export interface TodoList {
  readonly id: string;
  readonly order: readonly string[];
}

/** Receives a line per render: `page:<n rows>`, `row:<id>:<title>` or `row:<id>:loading`, `list:loading`. */
export type Recorder = (line: string) => void;

interface PageProps {
  readonly record?: Recorder | undefined;
  /** Receives the provider's model (so a test can reach a model the provider created). */
  readonly onModel?: ((model: Model) => void) | undefined;
}

/** The page: heading, what is left, and one row per todo of `lists.main`. */
export function TodosPage({ record, onModel }: PageProps): ReactNode {
  const model = useModel();
  onModel?.(model);
  const heading = useValue<string>('_page.heading');
  const [list] = useDoc<TodoList>('lists', 'main');
  const [left] = useQuery('todos', { done: false, $count: true });
  if (!list) {
    record?.('list:loading');
    return <p className="loading">Loading…</p>;
  }
  record?.(`page:${list.order.length}`);
  return (
    <main>
      <h1>{heading ?? 'Todos'}</h1>
      <p className="left">{`${left} left`}</p>
      <ul>
        {list.order.map((id) => (
          <TodoRow key={id} id={id} record={record} />
        ))}
      </ul>
    </main>
  );
}

function TodoRow({ id, record }: { readonly id: string; readonly record?: Recorder | undefined }): ReactNode {
  const [todo, $todo] = useDoc<Todo>('todos', id);
  if (!todo) {
    record?.(`row:${id}:loading`);
    return <li className="loading">Loading…</li>;
  }
  record?.(`row:${id}:${todo.title}`);
  return (
    <li data-id={id} className={todo.done ? 'done' : undefined}>
      <input type="checkbox" checked={todo.done} onChange={() => $todo.set('done', !todo.done)} />
      <span>{todo.title}</span>
    </li>
  );
}

/** Seeds `lists.main` and its todos through a model (awaits storage). */
export async function seedTodos(model: Model, todos: readonly Todo[]): Promise<void> {
  for (const todo of todos) model.add('todos', { ...todo });
  model.add('lists', { id: 'main', order: todos.map((todo) => todo.id) });
  await model.whenNothingPending();
}
