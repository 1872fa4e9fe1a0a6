/**
 * yracer's devtools on the examples, in Chromium: the page's devtools button
 * opens the panel, the panel finds a todo's document, edits its title
 * through the JSON editor, and both this page and another user's page show
 * the new title; on the letters page it lists the room's documents. Without
 * /usr/bin/chromium the file prints one skip line, unless
 * YRACER_REQUIRE_CHROMIUM is set (as .ci/run does). Screenshots land in
 * test-artifacts/ (docs/devtools.md shows one).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserTestsRun, ExampleInBrowser } from '../helpers/e2e-fixtures.ts';
import { addTodo, online, row } from '../helpers/todos-e2e-page.ts';

/** Opens the devtools panel of a page (its code loads on the first click). */
async function openDevtools(page: Page): Promise<void> {
  await page.getByTestId('yracer-devtools-toggle').click();
  await page.getByTestId('yracer-devtools').waitFor({ timeout: 10_000 });
}

describe.runIf(browserTestsRun('browser end-to-end tests (devtools)'))('devtools on the examples in Chromium', () => {
  const example = new ExampleInBrowser();
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    await example.start();
    pageA = (await example.open('/', online)).page;
    pageB = (await example.open('/', online)).page;
  }, 120_000);

  afterAll(() => example.close());

  it('finds a todo through the panel, edits its title, and both pages show it', async () => {
    expect(await pageA.getByTestId('yracer-devtools').count()).toBe(0);
    await addTodo(pageA, 'Inspect me');
    await row(pageB, 'Inspect me').waitFor({ timeout: 5000 });
    const id = await row(pageA, 'Inspect me').getAttribute('data-id');
    expect(id).toBeTruthy();

    await openDevtools(pageA);
    await pageA.getByLabel('filter documents').fill(`todos.${id}`);
    await pageA.getByTestId('yracer-devtools-document').filter({ hasText: `todos.${id}` }).click();
    const editor = pageA.getByLabel('value as JSON');
    expect(JSON.parse(await editor.inputValue())).toMatchObject({ title: 'Inspect me' });
    await pageA.getByLabel('path').fill(`todos.${id}.title`);
    await editor.fill('"Edited in devtools"');
    await pageA.getByTestId('yracer-devtools-editor').getByRole('button', { name: 'Set' }).click();

    await row(pageA, 'Edited in devtools').waitFor({ timeout: 5000 });
    await row(pageB, 'Edited in devtools').waitFor({ timeout: 5000 });
    await pageA.screenshot({ path: join(ARTIFACTS, 'devtools-todos.png') });
  });

  it('shows the connection with its recent frames, and the hooks the last change re-rendered', async () => {
    await pageA.getByRole('tab', { name: 'Connection' }).click();
    await expect.poll(() => pageA.getByTestId('yracer-devtools-connection-state').textContent()).toBe('online');
    await addTodo(pageB, 'From B');
    await row(pageA, 'From B').waitFor({ timeout: 5000 });
    await expect.poll(() => pageA.getByTestId('yracer-devtools-frame').count()).toBeGreaterThan(0);
    expect(await pageA.getByTestId('yracer-devtools-frame').allTextContents()).toContainEqual(expect.stringMatching(/in\s*Doc/));
    await pageA.getByRole('tab', { name: 'Renders' }).click();
    await expect.poll(() => pageA.getByTestId('yracer-devtools-render').count()).toBeGreaterThan(0);
  });

  it('opens on the letters page and lists the room', async () => {
    const { page } = await example.open('/letters/devtools-room', (opened) => opened.getByTestId('yracer-devtools-toggle').waitFor({ timeout: 10_000 }));
    await openDevtools(page);
    await expect
      .poll(async () => (await page.getByTestId('yracer-devtools-document').allTextContents()).some((text) => text.includes('letters.devtools-room')), { timeout: 10_000 })
      .toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'devtools-letters.png') });
  });
});
