/**
 * The todos example offline, in Chromium: the service worker serves the app
 * shell and the model's IndexedDB store the data, so a page reloaded without
 * a network (or without a server) still works, and its edits reach the other
 * user when the connection is back. Screenshots land in test-artifacts/.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserTestsRun, ExampleInBrowser } from '../helpers/e2e-fixtures.ts';
import { addTodo, offline, online, row, storedOffline, titles } from '../helpers/todos-e2e-page.ts';

/** Waits until the page's service worker controls it (the shell is cached). */
async function shellCached(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
    }
  });
}

/** Sorted titles (the order of concurrent additions is the merge's choice). */
const sortedTitles = async (page: Page): Promise<string[]> => (await titles(page)).sort();

describe.runIf(browserTestsRun('browser end-to-end tests (offline)'))('todos example offline in Chromium', () => {
  const example = new ExampleInBrowser();
  let pageA: Page;
  let pageB: Page;
  let contextB: BrowserContext;

  beforeAll(async () => {
    await example.start();
    const ready = async (page: Page): Promise<void> => {
      await online(page);
      await shellCached(page);
    };
    pageA = (await example.open('/', ready)).page;
    ({ page: pageB, context: contextB } = await example.open('/', ready));
  }, 120_000);

  afterAll(() => example.close());

  it('keeps working offline through a reload and merges every edit when back online', async () => {
    await addTodo(pageA, 'Shared');
    await row(pageB, 'Shared').waitFor({ timeout: 5000 });
    await online(pageB);

    await contextB.setOffline(true);
    await offline(pageB);
    await addTodo(pageA, 'From A while B is offline');
    await addTodo(pageB, 'From B offline');
    await row(pageB, 'Shared').getByTestId('todo-toggle').check();
    await row(pageB, 'From B offline').waitFor({ timeout: 5000 });

    await pageB.reload();
    await row(pageB, 'From B offline').waitFor({ timeout: 5000 });
    await row(pageB, 'Shared').waitFor({ timeout: 5000 });
    expect(await row(pageB, 'Shared').getByTestId('todo-toggle').isChecked()).toBe(true);
    await pageB.screenshot({ path: join(ARTIFACTS, 'todos-offline-reloaded.png') });
    await addTodo(pageB, 'From B after the reload');
    await row(pageB, 'From B after the reload').waitFor({ timeout: 5000 });

    const started = Date.now();
    await contextB.setOffline(false);
    const everything = ['From A while B is offline', 'From B after the reload', 'From B offline', 'Shared'];
    await expect.poll(() => sortedTitles(pageA), { timeout: 10_000 }).toEqual(everything);
    await expect.poll(() => sortedTitles(pageB), { timeout: 10_000 }).toEqual(everything);
    await expect.poll(() => row(pageA, 'Shared').getByTestId('todo-toggle').isChecked(), { timeout: 5000 }).toBe(true);
    const converged = Date.now() - started;
    console.log(`todos offline e2e: converged ${converged} ms after B went online (including B's reconnect backoff)`);
    expect(await titles(pageA)).toEqual(await titles(pageB));
  }, 60_000);

  it('keeps two tabs of one browser in sync while offline, and their edits reach the other user when back', async () => {
    const secondTab = await contextB.newPage();
    await secondTab.goto(example.url);
    await online(secondTab);
    await contextB.setOffline(true);
    await offline(pageB);
    await offline(secondTab);
    await addTodo(pageB, 'Tab one, offline');
    await row(secondTab, 'Tab one, offline').waitFor({ timeout: 5000 });
    await row(secondTab, 'Tab one, offline').getByTestId('todo-toggle').check();
    await expect.poll(() => row(pageB, 'Tab one, offline').getByTestId('todo-toggle').isChecked(), { timeout: 5000 }).toBe(true);
    await contextB.setOffline(false);
    await row(pageA, 'Tab one, offline').waitFor({ timeout: 5000 });
    await expect.poll(() => row(pageA, 'Tab one, offline').getByTestId('todo-toggle').isChecked(), { timeout: 5000 }).toBe(true);
    await expect.poll(() => titles(pageA), { timeout: 5000 }).toEqual(await titles(secondTab));
    await secondTab.close();
  }, 60_000);

  it('keeps edits made while the server is down through a reload, and sends them when it is back', async () => {
    await example.stop();
    await offline(pageA);
    await addTodo(pageA, 'Written with the server down');
    await row(pageA, 'Written with the server down').waitFor({ timeout: 5000 });
    await storedOffline(pageA); // in IndexedDB before the reload, not racing it
    await pageA.reload(); // the service worker serves the page; the data comes from IndexedDB
    await row(pageA, 'Written with the server down').waitFor({ timeout: 5000 });
    await pageA.screenshot({ path: join(ARTIFACTS, 'todos-server-down-reloaded.png') });

    await example.restart();
    await row(pageB, 'Written with the server down').waitFor({ timeout: 15_000 });
    await online(pageA, 15_000);
    await pageB.screenshot({ path: join(ARTIFACTS, 'todos-offline-converged.png') });
  }, 90_000);
});
