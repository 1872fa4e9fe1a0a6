/**
 * What the page needs loaded before it renders: the list, then every todo in
 * its order. The server calls it before a server-side render, so the HTML
 * and the bundle handed to the browser already hold every todo.
 */
import type { Model } from 'yracer';
import { LIST_ID, ORDER_PATH, todoPath } from './todo.ts';

export async function loadPage(model: Model): Promise<void> {
  await model.subscribe(`lists.${LIST_ID}`);
  const order = model.get<readonly string[]>(ORDER_PATH) ?? [];
  await model.subscribe(order.map(todoPath));
}
