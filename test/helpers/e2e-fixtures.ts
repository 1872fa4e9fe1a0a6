/**
 * Fixtures for browser end-to-end tests: Debian's Chromium through
 * playwright-core, and the example app started by scripts/start.mjs.
 * Without /usr/bin/chromium a test file prints one skip line, unless
 * YRACER_REQUIRE_CHROMIUM is set (as .ci/run does): then it fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort, ROOT, tempDir } from './client-fixtures.ts';
import { waitFor } from './sync-fixtures.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Where screenshots go (git-ignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');
/** True when Chromium is installed. */
export const chromiumPresent = existsSync(CHROMIUM);
/** True when a missing Chromium must fail the tests (CI). */
export const chromiumRequired = Boolean(process.env['YRACER_REQUIRE_CHROMIUM']);

/** Prints the skip line when Chromium is missing and not required; returns whether to run. */
export function browserTestsRun(what: string): boolean {
  if (!chromiumPresent && !chromiumRequired) {
    console.log(`skipping ${what}: ${CHROMIUM} not found (apt-get install chromium; CI sets YRACER_REQUIRE_CHROMIUM=1)`);
  }
  return chromiumPresent || chromiumRequired;
}

/** Launches headless Chromium (throws a clear error when it is required but missing). */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumPresent) throw new Error(`${CHROMIUM} is missing and YRACER_REQUIRE_CHROMIUM is set: install it with apt-get install chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A running example server. */
export interface RunningExample {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** A fresh folder for the example's Vite build, inside the package (so Node reads it as ES modules). */
export function buildDir(): { readonly dir: string; remove(): void } {
  mkdirSync(join(ROOT, 'example-app/dist'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'example-app/dist/e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the example (scripts/start.mjs) on a fixed port. The first start
 * builds it with Vite into `out`; pass `skipBuild` to reuse that build.
 */
export async function startExample(port: number, dataDir: string, out: string, skipBuild = false): Promise<RunningExample> {
  const { NODE_ENV: _vitest, ...env } = process.env;
  const args = ['scripts/start.mjs', '--skip-library-build', '--out', out, ...(skipBuild ? ['--skip-example-build'] : [])];
  const child = spawn(process.execPath, args, {
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

/** Stops a running example (SIGTERM: it stores what is pending first). */
export async function stopExample(running: RunningExample): Promise<void> {
  if (running.child.exitCode === null) running.child.kill('SIGTERM');
  await running.exited;
}

/**
 * The example served from a fresh build and data folder, with Chromium:
 * `start()` in `beforeAll`, `close()` in `afterAll`; `stop()` and
 * `restart()` take the server down and up again on the same port and data.
 */
export class ExampleInBrowser {
  readonly #data = tempDir('yracer-e2e-data-');
  #out: ReturnType<typeof buildDir> | null = null;
  #port = 0;
  #server: RunningExample | null = null;
  #browser: Browser | null = null;

  /** Builds and starts the example, then launches Chromium. */
  async start(): Promise<void> {
    this.#out = buildDir();
    this.#port = await freePort();
    this.#server = await startExample(this.#port, this.#data.dir, this.#out.dir);
    this.#browser = await launchChromium();
  }

  /** The example's base URL (`http://localhost:<port>`). */
  get url(): string {
    if (!this.#server) throw new Error('the example is not running');
    return this.#server.url;
  }

  /** The browser. */
  get browser(): Browser {
    if (!this.#browser) throw new Error('the browser is not running');
    return this.#browser;
  }

  /** A new context (a user) and a page of it at `path`, logging the page's errors; `ready` waits for the page. */
  async open(path: string, ready: (page: Page) => Promise<void>, viewport = { width: 900, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error));
    if (process.env['E2E_CONSOLE']) page.on('console', (message) => console.log('page:', message.text()));
    await page.goto(this.url + path);
    await ready(page);
    return { context, page };
  }

  /** Stops the server (SIGTERM). */
  async stop(): Promise<void> {
    if (this.#server) await stopExample(this.#server);
    this.#server = null;
  }

  /** Starts the server again on the same port, data and build. */
  async restart(): Promise<void> {
    if (!this.#out) throw new Error('the example was never started');
    await this.stop();
    this.#server = await startExample(this.#port, this.#data.dir, this.#out.dir, true);
  }

  /** Closes the browser and the server and removes the build and the data. */
  async close(): Promise<void> {
    await this.#browser?.close();
    await this.stop();
    this.#data.remove();
    this.#out?.remove();
  }
}
