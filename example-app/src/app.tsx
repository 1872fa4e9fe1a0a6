/**
 * The todos page: the list document gives the order, queries give which
 * todos show, and each row reads its own todo.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { QueryExpression } from 'yracer';
import { useDoc, useModel, useQueryIds } from 'yracer/react';
import { FilterBar } from './filter-bar.tsx';
import { NewTodo } from './new-todo.tsx';
import { RemainingCount } from './remaining-count.tsx';
import { StatusBadge } from './status-badge.tsx';
import { ToggleAll } from './toggle-all.tsx';
import { deleteTodos, moveTodo } from './todo-actions.ts';
import { TodoRow, type DropSide } from './todo-row.tsx';
import { useExposedModel } from './use-exposed-model.ts';
import { LIST_ID, type Filter, type TodoList } from './todo.ts';
import { useDragReorder } from './use-drag-reorder.ts';
import { useUrlFilter } from './use-url-filter.ts';

const NO_IDS: readonly string[] = [];
const QUERIES: Record<Filter, QueryExpression> = {
  all: { listId: LIST_ID },
  active: { listId: LIST_ID, done: false },
  done: { listId: LIST_ID, done: true },
};

const EMPTY_MESSAGES: Record<Filter, string> = {
  all: 'Nothing to do yet. Add a todo above.',
  active: 'Nothing left to do.',
  done: 'Nothing done yet.',
};

export interface AppProps {
  /** The filter of the page's URL (`?filter=`), read by the server for its render and by the browser to hydrate. */
  readonly initialFilter?: Filter;
}

export function App({ initialFilter = 'all' }: AppProps) {
  const model = useModel();
  useExposedModel(model);
  const [list] = useDoc<TodoList>('lists', LIST_ID);
  const order = list?.order ?? NO_IDS;

  const [filter, setFilter] = useUrlFilter(initialFilter);
  const matching = useQueryIds('todos', QUERIES[filter]);
  const doneIds = useQueryIds('todos', QUERIES.done);

  // The order gives the sequence, the live query which todos exist and match
  // the filter (the query also keeps those todos subscribed). Each id shows once: two people moving the
  // same todo at once can leave it twice in the order (a move is a delete
  // and an insert).
  const visible = useMemo(() => {
    const unseen = new Set(matching);
    return order.filter((id) => unseen.delete(id));
  }, [order, matching]);

  // Up/down move past the neighbouring visible row (hidden rows keep their places).
  const visibleRef = useRef(visible);
  useEffect(() => {
    visibleRef.current = visible;
  }, [visible]);
  const step = useCallback(
    (id: string, delta: -1 | 1) => {
      const ids = visibleRef.current;
      const target = ids[ids.indexOf(id) + delta];
      if (target !== undefined) moveTodo(model, id, target);
    },
    [model],
  );
  const move = useCallback((id: string, targetId: string) => moveTodo(model, id, targetId), [model]);
  const drag = useDragReorder(move);

  const dropSide = (id: string): DropSide => {
    if (drag.overId !== id || drag.draggingId === null) return null;
    return order.indexOf(id) > order.indexOf(drag.draggingId) ? 'after' : 'before';
  };

  return (
    <main className="page">
      <section className="card" aria-labelledby="title">
        <header className="card-header">
          <h1 id="title">todos</h1>
          <StatusBadge />
        </header>
        <div className="entry">
          <ToggleAll />
          <NewTodo />
        </div>
        {visible.length > 0 ? (
          <ul className="todo-list" data-testid="todo-list">
            {visible.map((id, index) => (
              <TodoRow
                key={id}
                id={id}
                isFirst={index === 0}
                isLast={index === visible.length - 1}
                dragging={drag.draggingId === id}
                dropSide={dropSide(id)}
                drag={drag.handlers}
                onStep={step}
              />
            ))}
          </ul>
        ) : (
          <p className="empty" data-testid="empty">
            {EMPTY_MESSAGES[filter]}
          </p>
        )}
        <footer className="card-footer">
          <RemainingCount />
          <FilterBar filter={filter} onChange={setFilter} />
          <button
            type="button"
            className="button button-quiet"
            data-testid="clear-done"
            disabled={doneIds.length === 0}
            onClick={() => deleteTodos(model, doneIds)}
          >
            Clear done
          </button>
        </footer>
      </section>
      <p className="hint">
        Double-click a todo to edit it; drag rows or use ↑ ↓ to reorder. Open this page in a second window: changes appear
        in both, and edits made offline are sent on reconnect. Also try the <a href="/letters/lobby">letters board</a>: magnets
        everyone drags at once, with cursors.
      </p>
    </main>
  );
}
