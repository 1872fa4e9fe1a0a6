/**
 * The todos example in Chromium, reloaded at once after each edit while the
 * sync server is down: an edit the page showed must survive the reload that
 * follows it (the page keeps it in IndexedDB until the server has it), and
 * reach the server when it is back.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, ExampleInBrowser } from '../helpers/e2e-fixtures.ts';
import { addTodo, offline, online, row, titles } from '../helpers/todos-e2e-page.ts';

const RELOADS = 50;

/** Waits until the page's service worker controls it (the shell is cached, so a reload works without the server). */
async function shellCached(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
    }
  });
}

/** The titles expected but not shown. */
const missing = (expected: readonly string[], shown: readonly string[]): string[] => expected.filter((title) => !shown.includes(title));

describe.runIf(browserTestsRun('browser end-to-end tests (reloads)'))('todos example reloaded right after each edit', () => {
  const example = new ExampleInBrowser();
  let page: Page;

  beforeAll(async () => {
    await example.start();
    page = (
      await example.open('/', async (opened) => {
        await online(opened);
        await shellCached(opened);
      })
    ).page;
  }, 120_000);

  afterAll(() => example.close());

  it(`loses none of ${RELOADS} todos each added right before a reload while the server is down`, async () => {
    // Stored by the server and in the page's query cache: once it shows after a reload, the list came from IndexedDB.
    await addTodo(page, 'Before the reloads');
    await row(page, 'Before the reloads').waitFor({ timeout: 10_000 });
    await online(page);
    await example.stop();
    await offline(page);

    const added: string[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const title = `Reloaded ${String(i).padStart(2, '0')}`;
      await addTodo(page, title);
      added.push(title);
      await row(page, title).waitFor({ timeout: 10_000 });
      await page.reload(); // at once: nothing waits for IndexedDB
      // Hydrated, with the list loaded from IndexedDB (the next todo goes to its end).
      await offline(page, 10_000);
      await row(page, 'Before the reloads').waitFor({ timeout: 10_000 });
    }

    const expected = ['Before the reloads', ...added];
    // Writes of earlier page loads are loaded as this page takes them over: poll until every one shows (or time runs out).
    await expect
      .poll(async () => missing(expected, await titles(page)), { timeout: 20_000, message: 'todos lost by the reloads (offline page)' })
      .toEqual([]);

    await example.restart();
    await online(page, 20_000);
    const { page: other } = await example.open('/', (opened) => online(opened, 20_000));
    await expect
      .poll(async () => missing(expected, await titles(other)), { timeout: 20_000, message: 'todos that did not reach the server' })
      .toEqual([]);
  }, 240_000);
});
