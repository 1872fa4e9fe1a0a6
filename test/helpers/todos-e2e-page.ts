/** The todos example's page, as browser end-to-end tests drive it (playwright-core). */
import type { Page } from 'playwright-core';

/** Every todo row. */
export const rows = (page: Page) => page.getByTestId('todo-row');

/** The titles of the rows, in order. */
export const titles = (page: Page): Promise<string[]> => page.getByTestId('todo-title').allTextContents();

/** Waits until the status badge says online (connected, nothing pending). */
export async function online(page: Page, timeout = 10_000): Promise<void> {
  await page.waitForSelector('[data-testid="status-badge"][data-status="online"]', { timeout });
}

/** Waits until the status badge says offline. */
export async function offline(page: Page, timeout = 5000): Promise<void> {
  await page.waitForSelector('[data-testid="status-badge"][data-status="offline"]', { timeout });
}

/**
 * Waits until the page's model has committed every local change made so far
 * to IndexedDB (`model.whenStoredOffline()`; the example exposes its model
 * to automated browsers): a reload after this keeps them.
 */
export async function storedOffline(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const model = window.__YRACER_MODEL__;
    if (!model) throw new Error('the page exposes no model (window.__YRACER_MODEL__)');
    await model.whenStoredOffline();
  });
}

/** Adds a todo through the input. */
export async function addTodo(page: Page, title: string): Promise<void> {
  const input = page.getByTestId('new-todo');
  await input.fill(title);
  await input.press('Enter');
}

/** The row of the todo with this title. */
export function row(page: Page, title: string) {
  return rows(page).filter({ has: page.getByTestId('todo-title').getByText(title, { exact: true }) });
}
