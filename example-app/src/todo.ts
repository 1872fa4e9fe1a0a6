/**
 * The example's data: one list document (`lists.main`) whose `order` holds
 * todo ids in display order, and one document per todo in `todos`.
 */

/** A todo document (`todos.<id>`). */
export interface Todo {
  readonly id: string;
  readonly listId: string;
  readonly title: string;
  readonly done: boolean;
  readonly createdAt: number;
  /** The user who added it (see user.ts); only they may delete it. Older todos have none. */
  readonly owner?: string;
}

/** The list document (`lists.main`). */
export interface TodoList {
  readonly id: string;
  readonly order: readonly string[];
}

/** Which todos the list shows. */
export type Filter = 'all' | 'active' | 'done';

export const LIST_ID = 'main';
export const ORDER_PATH = `lists.${LIST_ID}.order`;

/** The path of a todo document. */
export function todoPath(id: string): string {
  return `todos.${id}`;
}
