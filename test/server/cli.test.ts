/**
 * The `yracer` command. The spawned tests run bin/yracer.mjs, which runs the
 * built package: `npm test` builds dist/ first (run `npm run build` before
 * running this file alone).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/server/cli.ts';
import { sqliteStorage } from '../../src/server/index.ts';
import { freePort } from '../helpers/client-fixtures.ts';
import { client, waitFor } from '../helpers/sync-fixtures.ts';
import { loadStored, useResources, within } from '../helpers/server-fixtures.ts';

const resources = useResources();
const dir = mkdtempSync(join(tmpdir(), 'yracer-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node bin/yracer.mjs ...args` and waits for the URL it prints. */
async function serve(args: readonly string[]): Promise<Running> {
  if (!existsSync('dist/server/cli.js')) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, ['bin/yracer.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  resources.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  await waitFor(() => /listening on ws:\/\/\S+/.test(output) || child.exitCode !== null, 10_000, 'the URL on stdout');
  const url = /listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`yracer serve did not print a URL:\n${output}`);
  return { child, url, output: () => output, exited };
}

describe('yracer serve', () => {
  it.each([
    ['SIGTERM', 'disk'],
    ['SIGINT', 'process'],
  ] as const)('prints its URL, serves clients, and on %s exits 0 with the data in the db (durability %s)', async (signal, durability) => {
    const db = join(dir, signal, 'nested', 'x.db');
    const running = await serve(['serve', '--port', '0', '--db', db, '--durability', durability]);
    expect(running.url).toMatch(/^ws:\/\/127\.0\.0\.1:[1-9]\d*\/$/);
    expect(running.output()).toContain(db);
    expect(running.output().includes('durability: process')).toBe(durability === 'process');

    const model = resources.model(client(running.url));
    await model.subscribe('todos.a');
    model.set('todos.a', { title: 'from the CLI test', tags: ['x'] });
    model.increment('todos.a.n', 3);
    await model.whenNothingPending();

    running.child.kill(signal);
    expect(await within(running.exited, 10_000, 'the exit')).toEqual({ code: 0, signal: null });
    model.close();

    const storage = sqliteStorage(db);
    try {
      expect((await loadStored(storage, 'todos/a')).value).toEqual({ title: 'from the CLI test', tags: ['x'], n: 3 });
      expect(JSON.parse((await storage.loadJson({ collection: 'todos', id: 'a' })) ?? 'null')).toEqual({
        title: 'from the CLI test',
        tags: ['x'],
        n: 3,
      });
    } finally {
      await storage.close();
    }
  });
});

describe('yracer serve --admin-port', () => {
  it('serves /metrics, /healthz, /readyz and the HTTP API (/api) on a port of its own and prints their URL', async () => {
    const running = await serve(['serve', '--port', '0', '--admin-port', '0', '--db', join(dir, 'admin', 'x.db')]);
    await waitFor(() => /yracer admin on http:\/\/\S+/.test(running.output()), 10_000, 'the admin URL on stdout');
    const admin = /yracer admin on (http:\/\/\S+)/.exec(running.output())?.[1] ?? '';
    expect(admin).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);

    const model = resources.model(client(running.url));
    await model.subscribe('todos.a');
    model.set('todos.a.title', 'counted');
    await model.whenNothingPending();
    const metrics = await (await fetch(`${admin}/metrics`)).text();
    expect(metrics).toMatch(/^yracer_connections\{kind="multiplexed"\} 1$/m);
    expect(metrics).toMatch(/^yracer_write_ack_seconds_count [1-9]/m);
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    expect((await fetch(`${admin}/readyz`)).status).toBe(200);

    // The HTTP API under /api: a write reaches the subscribed client.
    const put = await fetch(`${admin}/api/docs/todos/a`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"title":"over HTTP"}' });
    expect(put.status).toBe(200);
    await waitFor(() => model.get('todos.a.title') === 'over HTTP', 5000, 'the client to see the HTTP write');
    expect(await (await fetch(`${admin}/api/docs/todos/a`)).json()).toEqual({ value: { title: 'over HTTP' }, version: 2 });
    expect((await fetch(`${admin}/api/nothing`)).status).toBe(404);

    running.child.kill('SIGTERM');
    expect(await within(running.exited, 10_000, 'the exit')).toEqual({ code: 0, signal: null });
  });
});

/** Spawns `node bin/yracer.mjs ...args` without waiting for anything. */
function spawnServe(args: readonly string[]) {
  if (!existsSync('dist/server/cli.js')) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, ['bin/yracer.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  resources.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const firstOutput = new Promise<void>((resolve) => {
    const seen = (chunk: Buffer): void => {
      output += chunk.toString();
      resolve();
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
  });
  const spawned = new Promise<void>((resolve) => child.once('spawn', () => resolve()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, spawned, firstOutput, exited, output: () => output };
}

describe('yracer serve and signals during start-up', () => {
  it('exits promptly on SIGINT sent as soon as the process is spawned', async () => {
    const running = spawnServe(['serve', '--port', '0', '--db', join(dir, 'at-spawn', 'x.db')]);
    await running.spawned;
    running.child.kill('SIGINT');
    const exit = await within(running.exited, 15_000, 'the exit');
    // Before Node runs the command's first line the signal ends it the default way; from then on the command exits 0.
    expect([JSON.stringify({ code: 0, signal: null }), JSON.stringify({ code: null, signal: 'SIGINT' })]).toContain(JSON.stringify(exit));
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('closes and exits 0 on %s sent when it prints its first line, before it listens', async (signal) => {
    const running = spawnServe(['serve', '--port', '0', '--db', join(dir, `first-line-${signal}`, 'x.db')]);
    await within(running.firstOutput, 15_000, 'the first line');
    running.child.kill(signal);
    expect(await within(running.exited, 15_000, 'the exit')).toEqual({ code: 0, signal: null });
    expect(running.output()).toMatch(new RegExp(`${signal}, closing`));
  });

  it('closes what it opened and exits 0 on a signal that comes before it listens (in process)', async () => {
    const db = join(dir, 'in-process', 'x.db');
    const port = await freePort();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      let exited: (code: number) => void = () => undefined;
      const exitCode = new Promise<number>((resolve) => (exited = resolve));
      void main(['serve', '--port', String(port), '--db', db], (code) => exited(code));
      process.emit('SIGINT', 'SIGINT'); // main has opened SQLite and is about to listen
      expect(await within(exitCode, 15_000, 'exit(code)')).toBe(0);
      expect(log.mock.calls.flat().join('\n')).not.toMatch(/listening on/);
      expect(process.listenerCount('SIGINT')).toBe(0);
    } finally {
      log.mockRestore();
      warn.mockRestore();
      error.mockRestore();
    }
    // Nothing listens on the port any more.
    const probe = createNetServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
});

describe('cli main', () => {
  it('prints usage for --help and returns 0', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['--help'])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/usage: yracer serve/);
    } finally {
      log.mockRestore();
    }
  });

  it.each([
    [[], /unknown command/],
    [['bogus'], /unknown command "bogus"/],
    [['serve', 'extra'], /unknown command/],
    [['serve', '--port', 'abc'], /--port must be a number/],
    [['serve', '--port', '70000'], /--port must be a number/],
    [['serve', '--port=-1'], /--port must be a number/],
    [['serve', '--port', '1.5'], /--port must be a number/],
    [['serve', '--port', '-1'], /--port/],
    [['serve', '--nope'], /nope/],
    [['serve', '--durability', 'fast'], /--durability must be disk .* or process .*, got "fast"/],
    [['serve', '--admin-port', 'x'], /--admin-port must be a number from 0 to 65535, got "x"/],
    [['serve', '--admin-port', '0', '--workers', '2', '--postgres', 'postgres://x', '--redis', 'redis://x'], /--admin-port .* does not go with --workers/],
  ])('returns 2 with a message for %j', async (argv, message) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await main(argv)).toBe(2);
      expect(error.mock.calls.flat().join('\n')).toMatch(message);
    } finally {
      error.mockRestore();
    }
  });
});
