/**
 * "3 items left": a count query. Its own component, because the query's
 * result changes with every edit of an active todo: only this line
 * re-renders then, not the list.
 */
import { useQuery } from 'yracer/react';
import { LIST_ID } from './todo.ts';

const REMAINING = { listId: LIST_ID, done: false, $count: true } as const;

export function RemainingCount() {
  const [left] = useQuery('todos', REMAINING);
  return (
    <span className="remaining" data-testid="remaining" aria-live="polite">
      {`${left} ${left === 1 ? 'item' : 'items'} left`}
    </span>
  );
}
