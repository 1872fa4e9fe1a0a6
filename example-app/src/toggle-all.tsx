/**
 * "Mark all done": checked when every todo of the list is done; checking it
 * marks every active todo done, unchecking it marks every todo active again.
 * Disabled while the list is empty.
 */
import { useModel, useQueryIds } from 'yracer/react';
import { setTodoDone } from './todo-actions.ts';
import { LIST_ID } from './todo.ts';

const ALL = { listId: LIST_ID };
const ACTIVE = { listId: LIST_ID, done: false };

export function ToggleAll() {
  const model = useModel();
  const all = useQueryIds('todos', ALL);
  const active = useQueryIds('todos', ACTIVE);
  const allDone = all.length > 0 && active.length === 0;

  const toggle = (): void => {
    if (allDone) for (const id of all) setTodoDone(model, id, false);
    else for (const id of active) setTodoDone(model, id, true);
  };

  return (
    <label className="toggle-all" title={allDone ? 'Mark all active' : 'Mark all done'}>
      <input
        type="checkbox"
        className="toggle"
        data-testid="toggle-all"
        aria-label="Mark all done"
        checked={allDone}
        disabled={all.length === 0}
        onChange={toggle}
      />
    </label>
  );
}
