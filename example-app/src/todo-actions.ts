/**
 * Every write the example makes, as plain functions of a model, so the
 * components stay about rendering. Each keeps the list's `order` and the
 * todo documents consistent.
 */
import type { Model } from 'yracer';
import { LIST_ID, ORDER_PATH, todoPath, type Todo } from './todo.ts';
import { currentUser, mayDelete } from './user.ts';

function order(model: Model): readonly string[] {
  return model.get<readonly string[]>(ORDER_PATH) ?? [];
}

/** Adds a todo at the end of the list; returns its id, or null for a blank title. */
export function addTodo(model: Model, title: string): string | null {
  const trimmed = title.trim();
  if (trimmed === '') return null;
  const id = model.add('todos', { listId: LIST_ID, title: trimmed, done: false, createdAt: Date.now(), owner: currentUser() });
  model.push(ORDER_PATH, id); // creates lists.main when missing
  return id;
}

/** Renames a todo; a blank title leaves it unchanged. */
export function renameTodo(model: Model, id: string, title: string): void {
  const trimmed = title.trim();
  if (trimmed === '') return;
  model.setDiff(`${todoPath(id)}.title`, trimmed);
}

export function setTodoDone(model: Model, id: string, done: boolean): void {
  model.set(`${todoPath(id)}.done`, done);
}

/**
 * Deletes todos and removes them from the list (every copy: concurrent moves
 * can leave two). Todos of other users are left alone: the server's rule lets
 * only the owner delete.
 */
export function deleteTodos(model: Model, ids: readonly string[]): void {
  for (const id of ids) {
    if (!mayDelete(model.get<Todo>(todoPath(id)))) continue;
    for (let index = order(model).lastIndexOf(id); index !== -1; index = order(model).lastIndexOf(id)) {
      model.remove(ORDER_PATH, index);
    }
    model.del(todoPath(id));
  }
}

/** Moves a todo to where `targetId` is (after it when moving down, before it when moving up). */
export function moveTodo(model: Model, id: string, targetId: string): void {
  const current = order(model);
  const from = current.indexOf(id);
  const to = current.indexOf(targetId);
  if (from === -1 || to === -1 || from === to) return;
  model.move(ORDER_PATH, from, to);
}
