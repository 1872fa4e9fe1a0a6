/**
 * The todos example's finish, in Chromium: the filter in the URL (reload and
 * Back / Forward), "Mark all done", the offline badge counting unsaved
 * changes, and the layout on a 375 px wide phone screen (screenshot in
 * test-artifacts/todos-375.png, layout checked through bounding boxes).
 * Without /usr/bin/chromium the file prints one skip line, unless
 * YRACER_REQUIRE_CHROMIUM is set: then it fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserTestsRun, ExampleInBrowser } from '../helpers/e2e-fixtures.ts';
import { addTodo, offline, online, row, rows, titles } from '../helpers/todos-e2e-page.ts';

const PHONE = { width: 375, height: 740 };

/** Which filter button is pressed. */
async function pressedFilter(page: Page): Promise<string | null> {
  return page.locator('.filter[aria-pressed="true"]').getAttribute('data-testid');
}

/** Every row's done checkbox state, in order. */
async function doneStates(page: Page): Promise<boolean[]> {
  return rows(page).evaluateAll((items) => items.map((item) => item.getAttribute('data-done') === 'true'));
}

/** The element's bounding box (throws when it is not shown). */
async function box(page: Page, testId: string, nth = 0): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await page.getByTestId(testId).nth(nth).boundingBox();
  if (!found) throw new Error(`${testId} is not shown`);
  return found;
}

describe.runIf(browserTestsRun('browser end-to-end tests (todos polish)'))('todos example polish in Chromium', () => {
  const example = new ExampleInBrowser();
  let page: Page;
  let context: BrowserContext;

  beforeAll(async () => {
    await example.start();
    ({ page, context } = await example.open('/', online));
    for (const title of ['Buy milk', 'Walk the dog', 'Write the report']) await addTodo(page, title);
    await row(page, 'Write the report').waitFor({ timeout: 5000 });
    await online(page);
  }, 120_000);

  afterAll(() => example.close());

  it('keeps the filter in the URL: a reload keeps it, Back and Forward step through it', async () => {
    await row(page, 'Buy milk').getByTestId('todo-toggle').check();
    await page.getByTestId('filter-active').click();
    await expect.poll(() => titles(page)).toEqual(['Walk the dog', 'Write the report']);
    expect(new URL(page.url()).search).toBe('?filter=active');
    await page.getByTestId('filter-done').click();
    await expect.poll(() => titles(page)).toEqual(['Buy milk']);
    expect(new URL(page.url()).search).toBe('?filter=done');

    await page.reload();
    await online(page);
    expect(await pressedFilter(page)).toBe('filter-done');
    expect(await titles(page)).toEqual(['Buy milk']);
    // The server renders the filtered list too (no mismatch to repair when the page hydrates).
    const html = await (await fetch(`${example.url}/?filter=done`)).text();
    expect(html).toContain('data-testid="filter-done" aria-pressed="true"');
    expect(html).not.toContain('Walk the dog');

    await page.goBack();
    await expect.poll(() => pressedFilter(page)).toBe('filter-active');
    await expect.poll(() => titles(page)).toEqual(['Walk the dog', 'Write the report']);
    await page.goBack();
    await expect.poll(() => pressedFilter(page)).toBe('filter-all');
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => titles(page)).toHaveLength(3);
    await page.goForward();
    await expect.poll(() => pressedFilter(page)).toBe('filter-active');
    await page.getByTestId('filter-all').click();
    expect(new URL(page.url()).search).toBe('');
  });

  it('marks every todo done with "Mark all done", and every todo active again when unchecked', async () => {
    const toggleAll = page.getByTestId('toggle-all');
    expect(await toggleAll.isChecked()).toBe(false);
    await toggleAll.check();
    await expect.poll(() => doneStates(page)).toEqual([true, true, true]);
    await expect.poll(() => page.getByTestId('remaining').textContent()).toBe('0 items left');
    await toggleAll.uncheck();
    await expect.poll(() => doneStates(page)).toEqual([false, false, false]);
    await row(page, 'Walk the dog').getByTestId('todo-toggle').check();
    // Not every todo is done: the box is unchecked again, and checking it marks the rest.
    await expect.poll(() => toggleAll.isChecked()).toBe(false);
    await toggleAll.check();
    await expect.poll(() => doneStates(page)).toEqual([true, true, true]);
    await toggleAll.uncheck();
    await expect.poll(() => doneStates(page)).toEqual([false, false, false]);
    await online(page);
  });

  it('counts the changes not saved yet while offline, and says online once they are sent', async () => {
    await context.setOffline(true);
    await offline(page);
    const badge = page.getByTestId('status-badge');
    expect(await badge.textContent()).toBe('Offline');
    await row(page, 'Buy milk').getByTestId('todo-toggle').check();
    await expect.poll(() => badge.textContent()).toBe('Offline, 1 change not saved yet');
    await row(page, 'Walk the dog').getByTestId('todo-toggle').check();
    await row(page, 'Write the report').getByTestId('todo-toggle').check();
    await row(page, 'Buy milk').getByTestId('todo-toggle').uncheck(); // the same todo again: still three
    await expect.poll(() => badge.textContent()).toBe('Offline, 3 changes not saved yet');
    await page.screenshot({ path: join(ARTIFACTS, 'todos-offline-count.png') });
    await context.setOffline(false);
    await online(page, 15_000);
    expect(await badge.textContent()).toBe('Online');
  });

  it('uses the full row width for titles and keeps the footer on one line at 375 px', async () => {
    const { page: phone } = await example.open('/', online, PHONE);
    await addTodo(phone, 'A long title that needs most of the width of a phone screen to show');
    await phone.mouse.move(2, 2); // hover no row
    await row(phone, 'A long title that needs most of the width of a phone screen to show').waitFor();
    const path = join(ARTIFACTS, 'todos-375.png');
    await phone.screenshot({ path, fullPage: true });
    expect(existsSync(path)).toBe(true);

    // Nothing wider than the screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // Titles: all of the row but its padding, the drag handle and the checkbox (about 72 px), no room kept for the hidden actions.
    const count = await rows(phone).count();
    for (let i = 0; i < count; i++) {
      const [rowBox, titleBox] = [await box(phone, 'todo-row', i), await box(phone, 'todo-title', i)];
      expect(titleBox.width).toBeGreaterThanOrEqual(rowBox.width - 80);
      expect(titleBox.x + titleBox.width).toBeLessThanOrEqual(rowBox.x + rowBox.width);
    }
    const actions = rows(phone).first().locator('.row-actions');
    expect(await actions.evaluate((element) => getComputedStyle(element).opacity)).toBe('0');
    // Hovering a row shows its actions, inside the row.
    await rows(phone).first().hover();
    await expect.poll(() => actions.evaluate((element) => getComputedStyle(element).opacity)).toBe('1');
    const [firstRow, upButton] = [await box(phone, 'todo-row'), await box(phone, 'todo-down')];
    expect(upButton.x + upButton.width).toBeLessThanOrEqual(firstRow.x + firstRow.width);

    // Footer: the count, the filters and "Clear done" on one line.
    const [remaining, filters, clear] = [await box(phone, 'remaining'), await box(phone, 'filter-all'), await box(phone, 'clear-done')];
    const middles = [remaining, filters, clear].map((part) => part.y + part.height / 2);
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(8);
    expect(remaining.x + remaining.width).toBeLessThanOrEqual(filters.x);
    expect(clear.x + clear.width).toBeLessThanOrEqual(PHONE.width);
    await phone.context().close();
  });
});
