/**
 * `npm start` and `npm run dev` (scripts/start.mjs): the todos example's
 * server as a child process on a free port with a temporary DATA_DIR. The
 * library build is skipped (`npm test` builds dist/ first; run `npm run
 * build` before running this file alone); the Vite builds run, into a
 * temporary folder under example-app/dist.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createModel } from 'yracer'; // the built package, as the example's server uses
import { addTodo } from '../../example-app/src/todo-actions.ts';
import { ROOT, tempDir } from '../helpers/client-fixtures.ts';
import { useResources, within } from '../helpers/server-fixtures.ts';
import { waitFor } from '../helpers/sync-fixtures.ts';

const resources = useResources();

/** Runs scripts/start.mjs; `printed(pattern)` resolves once its output matches. */
function spawnStart(args: readonly string[], dataDir: string) {
  if (!existsSync(join(ROOT, 'dist/react/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const { NODE_ENV: _vitestSetsTest, ...env } = process.env;
  const child = spawn(process.execPath, ['scripts/start.mjs', '--skip-library-build', ...args], {
    cwd: ROOT,
    env: { ...env, PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  resources.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const watchers: Array<() => void> = [];
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const watcher of [...watchers]) watcher();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const printed = (pattern: RegExp): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (pattern.test(output)) resolve();
      };
      watchers.push(check);
      check();
    });
  const spawned = new Promise<void>((resolve) => child.once('spawn', () => resolve()));
  return { child, exited, spawned, printed, output: () => output };
}

/** Runs scripts/start.mjs and waits for the URL it prints. */
async function start(args: readonly string[], dataDir: string) {
  const running = spawnStart(args, dataDir);
  const printed = /todos example(?: \(dev\))?: (http:\/\/localhost:\d+)/;
  await waitFor(() => printed.test(running.output()) || running.child.exitCode !== null, 45_000, 'the URL on stdout');
  const url = printed.exec(running.output())?.[1];
  if (!url) throw new Error(`scripts/start.mjs did not print a URL:\n${running.output()}`);
  return { child: running.child, url, exited: running.exited, output: running.output };
}

/** Adds a todo through the sync server, as a browser would. */
async function addThroughSync(url: string, title: string): Promise<string> {
  const model = createModel({ url: `${url.replace(/^http/, 'ws')}/sync`, WebSocket: WebSocket as never });
  resources.defer(() => model.close());
  await model.subscribe('lists.main');
  const id = addTodo(model, title);
  if (id === null) throw new Error('addTodo refused the title');
  await model.whenNothingPending();
  return id;
}

// A title that would break a naive page: markup, and a `$&` replacement pattern.
const TITLE = 'Milk </script><b>$& eggs';
const TITLE_HTML = 'Milk &lt;/script&gt;&lt;b&gt;$&amp; eggs';

function expectServerRendered(html: string, id: string): void {
  expect(html).toContain('<div id="root"><main class="page">');
  expect(html).toContain('data-testid="new-todo"');
  expect(html).toContain(`data-testid="todo-row" data-id="${id}"`);
  expect(html).toContain(TITLE_HTML);
  expect(html).toContain('data-testid="remaining" aria-live="polite">1 item left<');
  const bundle = /<script>window\.__YRACER_BUNDLE__ = (.*?);<\/script>/.exec(html)?.[1];
  expect(bundle).toBeDefined();
  expect(bundle).not.toContain('<');
  expect(JSON.stringify(JSON.parse(bundle ?? 'null'))).toContain(`todos.${id}`);
}

describe('npm start', () => {
  it('builds the example, serves the server-rendered page, its assets and /sync, and exits 0 on SIGTERM', async () => {
    const data = tempDir('yracer-start-data-');
    // Inside the repository: the server-side render imports react from its node_modules.
    mkdirSync(join(ROOT, 'example-app/dist'), { recursive: true });
    const out = mkdtempSync(join(ROOT, 'example-app/dist/test-'));
    resources.defer(() => data.remove());
    resources.defer(() => rmSync(out, { recursive: true, force: true }));
    const running = await start(['--out', out], data.dir);

    const id = await addThroughSync(running.url, TITLE);
    const response = await fetch(running.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expectServerRendered(html, id);

    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script ?? '', running.url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(new URL('/assets/nope.js', running.url))).status).toBe(404);
    expect((await fetch(new URL('/../package.json', running.url))).status).toBe(404);
    // The page renders for the user cookie's session (req.model); a cookie that is no user id is refused.
    const refused = await fetch(running.url, { headers: { cookie: 'yracer-todos-user=not*a*user' } });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain('__YRACER_BUNDLE__');
    expectServerRendered(await (await fetch(running.url, { headers: { cookie: 'yracer-todos-user=ann' } })).text(), id);
    // Metrics and health checks, counting the write made through /sync above.
    const metrics = await (await fetch(new URL('/metrics', running.url))).text();
    expect(metrics).toMatch(/^yracer_write_ack_seconds_count \d+$/m);
    expect(Number(/^yracer_updates_received_total (\d+)$/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(1);
    expect((await fetch(new URL('/healthz', running.url))).status).toBe(200);
    expect((await fetch(new URL('/readyz', running.url))).status).toBe(200);

    running.child.kill('SIGTERM');
    expect(await within(running.exited, 10_000, 'the exit')).toEqual({ code: 0, signal: null });
    expect(existsSync(join(data.dir, 'yracer.db'))).toBe(true);
    // A normal start prints no warnings (the client is split in chunks under Vite's size limit).
    expect(running.output()).not.toMatch(/warn|\(!\)/i);
  });

  it('skips the Vite build on a second start with unchanged inputs, and builds again once an input changed', async () => {
    const data = tempDir('yracer-start-stamp-');
    mkdirSync(join(ROOT, 'example-app/dist'), { recursive: true });
    const out = mkdtempSync(join(ROOT, 'example-app/dist/test-'));
    resources.defer(() => data.remove());
    resources.defer(() => rmSync(out, { recursive: true, force: true }));
    const run = async (): Promise<string> => {
      const running = await start(['--out', out], data.dir);
      expect((await fetch(running.url)).status).toBe(200);
      running.child.kill('SIGTERM');
      expect(await within(running.exited, 10_000, 'the exit')).toEqual({ code: 0, signal: null });
      return running.output();
    };

    expect(await run()).toMatch(/building the todos example \(vite\)/);
    expect(existsSync(join(out, 'build-stamp.json'))).toBe(true);
    const second = await run();
    expect(second).toMatch(/the todos example \(vite\): up to date, not rebuilt/);
    expect(second).not.toMatch(/building/);

    // A new file among the example's sources (removed afterwards) changes the inputs' hash.
    const added = join(ROOT, 'example-app/src', `start-test-${process.pid}-${Date.now()}.tmp`);
    writeFileSync(added, 'an input that changed\n');
    resources.defer(() => rmSync(added, { force: true }));
    expect(await run()).toMatch(/building the todos example \(vite\)/);
  });
});

describe('npm run dev', () => {
  it('serves the page from source through Vite with the sync server on the same port, and exits 0 on SIGINT', async () => {
    const data = tempDir('yracer-dev-data-');
    resources.defer(() => data.remove());
    const running = await start(['--dev'], data.dir);

    const id = await addThroughSync(running.url, TITLE);
    const html = await (await fetch(running.url)).text();
    expectServerRendered(html, id);
    expect(html).toContain('/@vite/client');
    expect((await fetch(new URL('/src/main.tsx', running.url))).status).toBe(200);

    running.child.kill('SIGINT');
    expect(await within(running.exited, 10_000, 'the exit')).toEqual({ code: 0, signal: null });
  });
});

describe('npm start and signals during start-up', () => {
  /** A temporary --out folder inside the repository (the server-side render imports react from its node_modules). */
  function outDir(): string {
    mkdirSync(join(ROOT, 'example-app/dist'), { recursive: true });
    const out = mkdtempSync(join(ROOT, 'example-app/dist/test-'));
    resources.defer(() => rmSync(out, { recursive: true, force: true }));
    return out;
  }

  function dataDir(): string {
    const data = tempDir('yracer-start-signal-');
    resources.defer(() => data.remove());
    return data.dir;
  }

  it('exits promptly on SIGINT sent as soon as the process is spawned', async () => {
    const running = spawnStart(['--out', outDir()], dataDir());
    await running.spawned;
    running.child.kill('SIGINT');
    const exit = await within(running.exited, 20_000, 'the exit');
    // Before Node runs the script's first line the signal ends it the default way; from then on the script exits 0.
    expect([JSON.stringify({ code: 0, signal: null }), JSON.stringify({ code: null, signal: 'SIGINT' })]).toContain(JSON.stringify(exit));
  });

  it('stops the Vite build and exits 0 on SIGINT sent while it builds', async () => {
    const running = spawnStart(['--out', outDir()], dataDir());
    await within(running.printed(/building the todos example/), 30_000, 'the build to start');
    running.child.kill('SIGINT');
    expect(await within(running.exited, 20_000, 'the exit')).toEqual({ code: 0, signal: null });
  });

  it('closes the server and exits 0 on SIGTERM sent while the server starts (dev)', async () => {
    const running = spawnStart(['--dev'], dataDir());
    await within(running.printed(/starting the todos example/), 30_000, 'the server to start starting');
    running.child.kill('SIGTERM');
    expect(await within(running.exited, 30_000, 'the exit')).toEqual({ code: 0, signal: null });
    expect(running.output()).toMatch(/SIGTERM, closing/);
  });
});
