/**
 * One todo: toggle, title (double-click or Edit to edit in place: Enter or
 * leaving the field saves, Escape cancels), up/down, delete, and drag to
 * reorder. Memoized on its props, and it reads only its own document, so a
 * change to one todo re-renders only its row.
 */
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useModel, useValue } from 'yracer/react';
import { deleteTodos, renameTodo, setTodoDone } from './todo-actions.ts';
import { todoPath, type Todo } from './todo.ts';
import { TodoHistory } from './todo-history.tsx';
import type { DragHandlers } from './use-drag-reorder.ts';
import { useHydrated } from './use-hydrated.ts';
import { mayDelete } from './user.ts';

export type DropSide = 'before' | 'after' | null;

export interface TodoRowProps {
  readonly id: string;
  readonly isFirst: boolean;
  readonly isLast: boolean;
  readonly dragging: boolean;
  readonly dropSide: DropSide;
  readonly drag: DragHandlers;
  /** Moves the todo one visible row up (-1) or down (1). */
  readonly onStep: (id: string, delta: -1 | 1) => void;
}

export const TodoRow = memo(function TodoRow({ id, isFirst, isLast, dragging, dropSide, drag, onStep }: TodoRowProps) {
  const model = useModel();
  // The app's live query keeps every shown todo subscribed, so the row only reads.
  // (Not useDoc: it shows a todo created here only once the server answered its
  // subscribe, so todos added offline would stay hidden until reconnected.)
  const todo = useValue<Todo>(todoPath(id));
  // The user is known in the browser only: the server renders every delete button enabled.
  const hydrated = useHydrated();
  const [editing, setEditing] = useState(false);
  const [history, setHistory] = useState(false);
  const [draft, setDraft] = useState('');
  // Refs, not state: Enter or Escape ends the edit, and the blur that follows must not end it again.
  const editingRef = useRef(false);
  const refocus = useRef(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const upButton = useRef<HTMLButtonElement>(null);
  const downButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!editing && refocus.current) {
      refocus.current = false;
      editButton.current?.focus();
    }
  }, [editing]);

  if (!todo) return null; // not loaded yet (another client just added it) or deleted

  const startEditing = (): void => {
    editingRef.current = true;
    setDraft(todo.title);
    setEditing(true);
  };
  const finishEditing = (save: boolean, returnFocus: boolean): void => {
    if (!editingRef.current) return;
    editingRef.current = false;
    refocus.current = returnFocus;
    if (save) renameTodo(model, id, draft);
    setEditing(false);
  };
  const onEditKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' && event.key !== 'Escape') return;
    // Focus returns to the Edit button at once: without this, the key would press it.
    event.preventDefault();
    finishEditing(event.key === 'Enter', true);
  };
  const step = (delta: -1 | 1): void => {
    onStep(id, delta);
    // Reordering moves this row's DOM node, which can drop the focus: keep it on a move button.
    requestAnimationFrame(() => {
      const [same, other] = delta < 0 ? [upButton.current, downButton.current] : [downButton.current, upButton.current];
      (same && !same.disabled ? same : other)?.focus();
    });
  };

  const className = ['todo', todo.done && 'todo-done', dragging && 'todo-dragging', dropSide && `todo-drop-${dropSide}`]
    .filter(Boolean)
    .join(' ');

  return (
    <li
      className={className}
      data-testid="todo-row"
      data-id={id}
      data-done={todo.done}
      draggable={!editing}
      onDragStart={(event) => drag.start(id, event)}
      onDragOver={(event) => drag.over(id, event)}
      onDrop={(event) => drag.drop(id, event)}
      onDragEnd={drag.end}
    >
      <span className="drag-handle" aria-hidden="true" title="Drag to reorder" />
      <input
        type="checkbox"
        className="toggle"
        data-testid="todo-toggle"
        aria-label={`Done: ${todo.title}`}
        checked={todo.done}
        onChange={(event) => setTodoDone(model, id, event.target.checked)}
      />
      {editing ? (
        <input
          className="edit-input"
          data-testid="todo-edit"
          aria-label="Edit todo"
          autoFocus
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onEditKeyDown}
          onBlur={() => finishEditing(true, false)}
        />
      ) : (
        <span className="title" data-testid="todo-title" onDoubleClick={startEditing}>
          {todo.title}
        </span>
      )}
      <span className="row-actions">
        <button ref={upButton} type="button" className="icon-button" data-testid="todo-up" aria-label={`Move up: ${todo.title}`} title="Move up" disabled={isFirst} onClick={() => step(-1)}>
          ↑
        </button>
        <button ref={downButton} type="button" className="icon-button" data-testid="todo-down" aria-label={`Move down: ${todo.title}`} title="Move down" disabled={isLast} onClick={() => step(1)}>
          ↓
        </button>
        {!editing && (
          <button ref={editButton} type="button" className="icon-button" data-testid="todo-edit-button" aria-label={`Edit: ${todo.title}`} title="Edit" onClick={startEditing}>
            ✎
          </button>
        )}
        <button type="button" className="icon-button" data-testid="todo-history-button" aria-label={`History: ${todo.title}`} aria-expanded={history} title="Version history" onClick={() => setHistory((open) => !open)}>
          ↺
        </button>
        <button type="button" className="icon-button icon-button-danger" data-testid="todo-delete" aria-label={`Delete: ${todo.title}`} title={hydrated && !mayDelete(todo) ? 'Only the user who added it may delete it' : 'Delete'} disabled={hydrated && !mayDelete(todo)} onClick={() => deleteTodos(model, [id])}>
          ×
        </button>
      </span>
      {history && <TodoHistory id={id} />}
    </li>
  );
});
