/** The "What needs doing?" field: Enter (or the Add button) adds, Escape clears. */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useModel } from 'yracer/react';
import { addTodo } from './todo-actions.ts';

export function NewTodo() {
  const model = useModel();
  const [title, setTitle] = useState('');

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (addTodo(model, title) !== null) setTitle('');
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') setTitle('');
  };

  return (
    <form className="new-todo" onSubmit={submit}>
      <input
        className="new-todo-input"
        data-testid="new-todo"
        aria-label="New todo"
        placeholder="What needs doing?"
        autoComplete="off"
        autoFocus
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="button button-primary" data-testid="add-todo" disabled={title.trim() === ''}>
        Add
      </button>
    </form>
  );
}
