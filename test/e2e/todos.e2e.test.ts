/**
 * The todos example in a real browser: Debian's Chromium driven by
 * playwright-core, two browser contexts (two users) on one server process.
 * Without /usr/bin/chromium the file prints one skip line, unless
 * YRACER_REQUIRE_CHROMIUM is set (as .ci/run does): then it fails.
 * Screenshots land in test-artifacts/ (git-ignored).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, tempDir } from '../helpers/client-fixtures.ts';
import { waitFor } from '../helpers/sync-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const present = existsSync(CHROMIUM);
const required = Boolean(process.env['YRACER_REQUIRE_CHROMIUM']);
if (!present && !required) {
  console.log(`skipping browser end-to-end tests: ${CHROMIUM} not found (apt-get install chromium; CI sets YRACER_REQUIRE_CHROMIUM=1)`);
}

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** Starts the example (scripts/start.mjs: Vite builds into `out`, then the server) on a fixed port. */
async function startExample(port: number, dataDir: string, out: string): Promise<Running> {
  const { NODE_ENV: _vitest, ...env } = process.env;
  const child = spawn(process.execPath, ['scripts/start.mjs', '--skip-library-build', '--out', out], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = /todos example: (http:\/\/localhost:\d+)/;
  await waitFor(() => printed.test(output) || child.exitCode !== null, 60_000, 'the example to print its URL');
  const url = printed.exec(output)?.[1];
  if (!url) throw new Error(`the example did not start:\n${output}`);
  return { child, url, exited };
}

async function stop(running: Running): Promise<void> {
  if (running.child.exitCode === null) running.child.kill('SIGTERM');
  await running.exited;
}

const rows = (page: Page) => page.getByTestId('todo-row');
const titles = (page: Page): Promise<string[]> => page.getByTestId('todo-title').allTextContents();

async function online(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="status-badge"][data-status="online"]', { timeout: 10_000 });
}

async function addTodo(page: Page, title: string): Promise<void> {
  const input = page.getByTestId('new-todo');
  await input.fill(title);
  await input.press('Enter');
}

function row(page: Page, title: string) {
  return rows(page).filter({ has: page.getByTestId('todo-title').getByText(title, { exact: true }) });
}

describe.runIf(present || required)('todos example in Chromium', () => {
  const data = tempDir('yracer-e2e-data-');
  let out = '';
  let browser: Browser;
  let server: Running;
  let port = 0;
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    if (!present) throw new Error(`${CHROMIUM} is missing and YRACER_REQUIRE_CHROMIUM is set: install it with apt-get install chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    // Inside the package, so Node reads the built server bundle as ES modules ("type": "module").
    mkdirSync(join(ROOT, 'example-app/dist'), { recursive: true });
    out = mkdtempSync(join(ROOT, 'example-app/dist/e2e-'));
    port = await freePort();
    server = await startExample(port, data.dir, out);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    pageA = await (await browser.newContext({ viewport: { width: 900, height: 800 } })).newPage();
    pageB = await (await browser.newContext({ viewport: { width: 900, height: 800 } })).newPage();
    for (const page of [pageA, pageB]) {
      page.on('pageerror', (error) => console.error('page error:', error));
      await page.goto(server.url);
      await online(page);
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stop(server);
    data.remove();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('shows an item added in A in B within 1 s', async () => {
    await addTodo(pageA, 'Buy milk');
    await row(pageA, 'Buy milk').waitFor({ timeout: 1000 });
    const started = Date.now();
    await row(pageB, 'Buy milk').waitFor({ timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    await addTodo(pageB, 'Walk the dog');
    await addTodo(pageB, 'Write the report');
    await row(pageA, 'Write the report').waitFor({ timeout: 1000 });
    expect(await titles(pageA)).toEqual(['Buy milk', 'Walk the dog', 'Write the report']);
    await expect.poll(() => pageA.getByTestId('remaining').textContent()).toContain('3');
  });

  it('syncs toggle, edit, reorder and delete both ways', async () => {
    await row(pageB, 'Buy milk').getByTestId('todo-toggle').check();
    await expect.poll(() => row(pageA, 'Buy milk').getByTestId('todo-toggle').isChecked(), { timeout: 1000 }).toBe(true);
    await expect.poll(() => pageA.getByTestId('remaining').textContent()).toContain('2');

    await row(pageA, 'Walk the dog').getByTestId('todo-title').dblclick();
    const edit = pageA.getByTestId('todo-edit');
    await edit.fill('Walk the cat');
    await edit.press('Enter');
    await row(pageB, 'Walk the cat').waitFor({ timeout: 1000 });

    await row(pageB, 'Write the report').getByTestId('todo-up').click();
    await expect.poll(() => titles(pageA), { timeout: 1000 }).toEqual(['Buy milk', 'Write the report', 'Walk the cat']);
    await row(pageA, 'Buy milk').getByTestId('todo-down').click();
    await expect.poll(() => titles(pageB), { timeout: 1000 }).toEqual(['Write the report', 'Buy milk', 'Walk the cat']);

    await addTodo(pageA, 'Temporary');
    await row(pageB, 'Temporary').waitFor({ timeout: 1000 });
    await row(pageB, 'Temporary').getByTestId('todo-delete').click();
    await expect.poll(() => row(pageA, 'Temporary').count(), { timeout: 1000 }).toBe(0);
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
    await stop(server);
    await pageA.waitForSelector('[data-testid="status-badge"]:not([data-status="online"])', { timeout: 5000 });
    server = await startExample(port, data.dir, out);
    await online(pageA);
    await online(pageB);
    await addTodo(pageB, 'After the restart');
    await row(pageA, 'After the restart').waitFor({ timeout: 2000 });
    expect(await titles(pageA)).toEqual(['Write the report', 'Buy milk', 'Walk the cat', 'After the restart']);
  }, 120_000);

  it('paints the items in the first response, before any script runs (server-side render)', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    await page.goto(server.url);
    expect(await titles(page)).toEqual(['Write the report', 'Buy milk', 'Walk the cat', 'After the restart']);
    await page.screenshot({ path: join(ARTIFACTS, 'todos-server-rendered.png') });
    await context.close();
    await pageA.screenshot({ path: join(ARTIFACTS, 'todos-page-a.png') });
    await pageB.screenshot({ path: join(ARTIFACTS, 'todos-page-b.png') });
    expect(existsSync(join(ARTIFACTS, 'todos-page-a.png'))).toBe(true);
  });
});
