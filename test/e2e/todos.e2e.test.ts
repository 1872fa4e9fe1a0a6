/**
 * The todos example in a real browser: Debian's Chromium driven by
 * playwright-core, two browser contexts (two users) on one server process.
 * Without /usr/bin/chromium the file prints one skip line, unless
 * YRACER_REQUIRE_CHROMIUM is set (as .ci/run does): then it fails.
 * Screenshots land in test-artifacts/ (git-ignored).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserTestsRun, ExampleInBrowser } from '../helpers/e2e-fixtures.ts';
import { addTodo, online, row, titles } from '../helpers/todos-e2e-page.ts';

describe.runIf(browserTestsRun('browser end-to-end tests'))('todos example in Chromium', () => {
  const example = new ExampleInBrowser();
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    await example.start();
    pageA = (await example.open('/', online)).page;
    pageB = (await example.open('/', online)).page;
  }, 120_000);

  afterAll(() => example.close());

  it('shows an item added in A in B within 1 s', async () => {
    await addTodo(pageA, 'Buy milk');
    await row(pageA, 'Buy milk').waitFor({ timeout: 5000 });
    const started = Date.now();
    await row(pageB, 'Buy milk').waitFor({ timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    await addTodo(pageB, 'Walk the dog');
    await addTodo(pageB, 'Write the report');
    await row(pageA, 'Write the report').waitFor({ timeout: 5000 });
    expect(await titles(pageA)).toEqual(['Buy milk', 'Walk the dog', 'Write the report']);
    await expect.poll(() => pageA.getByTestId('remaining').textContent()).toContain('3');
  });

  it('syncs toggle, edit, reorder and delete both ways', async () => {
    await row(pageB, 'Buy milk').getByTestId('todo-toggle').check();
    await expect.poll(() => row(pageA, 'Buy milk').getByTestId('todo-toggle').isChecked(), { timeout: 5000 }).toBe(true);
    await expect.poll(() => pageA.getByTestId('remaining').textContent()).toContain('2');

    await row(pageA, 'Walk the dog').getByTestId('todo-title').dblclick();
    const edit = pageA.getByTestId('todo-edit');
    await edit.fill('Walk the cat');
    await edit.press('Enter');
    await row(pageB, 'Walk the cat').waitFor({ timeout: 5000 });

    await row(pageB, 'Write the report').getByTestId('todo-up').click();
    await expect.poll(() => titles(pageA), { timeout: 5000 }).toEqual(['Buy milk', 'Write the report', 'Walk the cat']);
    await row(pageA, 'Buy milk').getByTestId('todo-down').click();
    await expect.poll(() => titles(pageB), { timeout: 5000 }).toEqual(['Write the report', 'Buy milk', 'Walk the cat']);

    await addTodo(pageA, 'Temporary');
    await row(pageB, 'Temporary').waitFor({ timeout: 5000 });
    // Only the owner may delete (the server's rule): B, another user, cannot; A can, and B sees it go.
    expect(await row(pageB, 'Temporary').getByTestId('todo-delete').isDisabled()).toBe(true);
    await row(pageA, 'Temporary').getByTestId('todo-delete').click();
    await expect.poll(() => row(pageB, 'Temporary').count(), { timeout: 5000 }).toBe(0);
  });

  it('filters with the query and keeps escape as cancel', async () => {
    await pageA.getByTestId('filter-done').click();
    await expect.poll(() => titles(pageA)).toEqual(['Buy milk']);
    await pageA.getByTestId('filter-active').click();
    await expect.poll(() => titles(pageA)).toEqual(['Write the report', 'Walk the cat']);
    await row(pageA, 'Walk the cat').getByTestId('todo-title').dblclick();
    await pageA.getByTestId('todo-edit').fill('Nope');
    await pageA.getByTestId('todo-edit').press('Escape');
    expect(await titles(pageA)).toContain('Walk the cat');
    await pageA.getByTestId('filter-all').click();
    await expect.poll(() => titles(pageA)).toHaveLength(3);
  });

  it('keeps the items across a server restart and both pages reconnect by themselves', async () => {
    await example.stop();
    await pageA.waitForSelector('[data-testid="status-badge"]:not([data-status="online"])', { timeout: 5000 });
    await example.restart();
    await online(pageA);
    await online(pageB);
    await addTodo(pageB, 'After the restart');
    await row(pageA, 'After the restart').waitFor({ timeout: 5000 });
    expect(await titles(pageA)).toEqual(['Write the report', 'Buy milk', 'Walk the cat', 'After the restart']);
  }, 120_000);

  it('paints the items in the first response, before any script runs (server-side render)', async () => {
    const context = await example.browser.newContext({ javaScriptEnabled: false, viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    await page.goto(example.url);
    expect(await titles(page)).toEqual(['Write the report', 'Buy milk', 'Walk the cat', 'After the restart']);
    await page.screenshot({ path: join(ARTIFACTS, 'todos-server-rendered.png') });
    await context.close();
    await pageA.screenshot({ path: join(ARTIFACTS, 'todos-page-a.png') });
    await pageB.screenshot({ path: join(ARTIFACTS, 'todos-page-b.png') });
    expect(existsSync(join(ARTIFACTS, 'todos-page-a.png'))).toBe(true);
  });

  it('shows a todo’s version history (kept across the restart) and restores an older version, seen live by the other page', async () => {
    const target = row(pageA, 'Walk the cat');
    await target.getByTestId('todo-history-button').click();
    const entries = target.getByTestId('history-entry');
    // Created as 'Walk the dog' by B, renamed by A: one checkpoint per change (the example's history option).
    await expect.poll(() => entries.count(), { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    const before = await entries.count();
    const oldest = entries.last();
    await oldest.getByText('show').click();
    await expect.poll(() => oldest.getByTestId('history-title').textContent(), { timeout: 5000 }).toBe('Walk the dog');
    await pageA.screenshot({ path: join(ARTIFACTS, 'todos-history.png') });
    await oldest.getByTestId('history-restore').click();
    await row(pageB, 'Walk the dog').waitFor({ timeout: 5000 });
    await row(pageA, 'Walk the dog').waitFor({ timeout: 5000 });
    expect(await titles(pageB)).toEqual(['Write the report', 'Buy milk', 'Walk the dog', 'After the restart']);
    // The restore is a new change: the list (reloaded after it) has one more version, the old ones kept.
    await expect.poll(() => row(pageA, 'Walk the dog').getByTestId('history-entry').count(), { timeout: 5000 }).toBe(before + 1);
  });
});
