/**
 * `yracer serve --config` and `yracer migrate` (cli-config.ts,
 * cli-migrate.ts). The spawned tests run bin/yracer.mjs, which runs the
 * built package: `npm test` builds dist/ first (run `npm run build` before
 * running this file alone). Config modules that import `yracer/server` are
 * written into a folder inside the project (`.tmp-*`, ignored by git), so
 * the package resolves itself as an application's would.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/cli-config.ts';
import { sqliteStorage } from '../../src/server/index.ts';
import { recordedSchemaVersion } from '../../src/server/schema-version.ts';
import { ROOT } from '../helpers/client-fixtures.ts';
import { fieldsUpdate, loadStored, useResources, within } from '../helpers/server-fixtures.ts';
import { client } from '../helpers/sync-fixtures.ts';

const resources = useResources();
const outside = mkdtempSync(join(tmpdir(), 'yracer-config-'));
const inside = mkdtempSync(join(ROOT, '.tmp-config-'));
afterAll(() => {
  rmSync(outside, { recursive: true, force: true });
  rmSync(inside, { recursive: true, force: true });
});

let files = 0;
/** Writes a config module and returns its path. */
function configFile(source: string, dir = outside): string {
  const file = join(dir, `config-${(files += 1)}.mjs`);
  writeFileSync(file, source);
  return file;
}

/** Runs `node bin/yracer.mjs ...args`; `until` ends the wait early (the server prints its URL, say). */
function yracer(args: readonly string[], until?: (output: string) => boolean): { output: () => string; exited: Promise<number | null>; ready: Promise<void>; kill(): void } {
  if (!existsSync(join(ROOT, 'dist/server/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, ['bin/yracer.mjs', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let readyNow = (): void => undefined;
  const ready = new Promise<void>((resolve) => (readyNow = resolve));
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    if (until?.(output)) readyNow();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => readyNow());
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  resources.defer(kill);
  return { output: () => output, exited, ready, kill: () => child.kill('SIGTERM') };
}

describe('loadConfig', () => {
  it('takes a default export object, or a function (sync or async) returning one', async () => {
    expect(await loadConfig(configFile('export default { maxQueries: 7 };'))).toEqual({ maxQueries: 7 });
    expect(await loadConfig(configFile('export default () => ({ maxQueries: 8 });'))).toEqual({ maxQueries: 8 });
    expect(await loadConfig(configFile('export default async () => ({ jsonDelayMs: 9 });'))).toEqual({ jsonDelayMs: 9 });
  });

  it.each([
    ['export default 5;', /must export default an object of server options .*got number/],
    ['export const rules = {};', /must export default an object .*got undefined/],
    ['export default [];', /got an array/],
    ['export default { storage: {} };', /sets storage: the command line sets it \(--db or --postgres\)/],
    ['export default { fanout: {} };', /sets fanout: the command line sets it \(--redis\)/],
    ['export default { rule: {}, maxQuerys: 1 };', /unknown options "rule", "maxQuerys" \(createServer takes .*rules/],
    ['export default {', /could not be imported/],
  ])('refuses %s with a ConfigError naming the file', async (source, message) => {
    const file = configFile(source);
    const error = await loadConfig(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a file that is not there', async () => {
    await expect(loadConfig(join(outside, 'none.mjs'))).rejects.toThrow(/none\.mjs could not be imported/);
  });
});

describe('yracer serve --config', () => {
  it("serves with the config's authenticate and rules, and exits 2 naming a bad config before opening anything", async () => {
    const config = configFile(`
      export default {
        authenticate: (request) => {
          const user = new URL(request.url ?? '/', 'http://x').searchParams.get('token');
          if (!user) throw new Error('no token');
          return { user };
        },
        rules: { todos: { read: () => true, create: (session, id, doc) => doc.owner === session.user, update: () => true, delete: () => false } },
        log: () => undefined,
      };`);
    const db = join(outside, 'serve', 'x.db');
    const running = yracer(['serve', '--port', '0', '--db', db, '--config', config], (output) => /listening on ws:\/\/\S+/.test(output));
    await within(running.ready, 15_000, 'the server to listen');
    const url = /listening on (ws:\/\/\S+)/.exec(running.output())?.[1];
    expect(url, running.output()).toBeDefined();
    expect(running.output()).toContain(`config: ${config}`);

    const ann = resources.model(client(`${url}?token=ann`));
    const refusals: Array<Error | undefined> = [];
    const written = (path: string, value: unknown): Promise<void> =>
      within(new Promise<void>((resolve) => ann.set(path, value, (error) => (refusals.push(error), resolve()))), 10_000, `the write of ${path}`);
    await written('todos.a', { owner: 'ann', title: 'mine' });
    await written('todos.b', { owner: 'bob', title: 'not mine' });
    await written('notes.n', { text: 'no rules for notes' });
    expect(refusals.map((error) => error?.message ?? 'stored')).toEqual(['stored', expect.stringContaining('todos.create'), expect.stringContaining('notes')]);
    running.kill();
    expect(await within(running.exited, 15_000, 'the exit')).toBe(0);
    const storage = sqliteStorage(db);
    try {
      expect((await loadStored(storage, 'todos/a')).value).toEqual({ owner: 'ann', title: 'mine' });
      expect((await loadStored(storage, 'todos/b')).empty).toBe(true);
    } finally {
      await storage.close();
    }

    const bad = yracer(['serve', '--port', '0', '--db', join(outside, 'bad', 'x.db'), '--config', configFile('export default { rule: {} };')]);
    expect(await within(bad.exited, 15_000, 'the exit')).toBe(2);
    expect(bad.output()).toMatch(/unknown option "rule"/);
    expect(existsSync(join(outside, 'bad'))).toBe(false);
  });
});

describe('yracer migrate', () => {
  it("migrates every stored document of a versioned collection with the config's schema, and says what it needs", async () => {
    const db = join(outside, 'migrate', 'x.db');
    mkdirSync(join(outside, 'migrate'));
    const seed = sqliteStorage(db);
    for (const id of ['a', 'b', 'c']) {
      await seed.append({ collection: 'todos', id }, [fieldsUpdate({ text: `todo ${id}` })]);
      await seed.saveJson({ collection: 'todos', id }, JSON.stringify({ text: `todo ${id}` }));
    }
    await seed.close();
    const config = configFile(
      `import { z } from 'zod';
       import { defineConfig, versionedSchema } from 'yracer/server';
       export default defineConfig({
         schema: { todos: versionedSchema(z.object({ title: z.string(), done: z.boolean() }), { version: 2, migrate: { 2: (v1) => ({ title: v1.text, done: false }) } }) },
       });`,
      inside,
    );
    const run = yracer(['migrate', '--config', config, '--db', db]);
    expect(await within(run.exited, 30_000, 'migrate to exit'), run.output()).toBe(0);
    expect(run.output()).toMatch(/3 documents of versioned collections loaded, each at its schema version now/);
    const storage = sqliteStorage(db);
    try {
      for (const id of ['a', 'b', 'c']) {
        const stored = await loadStored(storage, `todos/${id}`);
        expect(stored.value).toEqual({ title: `todo ${id}`, done: false });
        expect(recordedSchemaVersion(stored.doc)).toBe(2);
        expect(JSON.parse((await storage.loadJson({ collection: 'todos', id })) ?? 'null')).toEqual({ title: `todo ${id}`, done: false });
      }
    } finally {
      await storage.close();
    }

    const noConfig = yracer(['migrate', '--db', db]);
    expect(await within(noConfig.exited, 15_000, 'the exit')).toBe(2);
    expect(noConfig.output()).toMatch(/migrate needs --config/);
    const noSchema = yracer(['migrate', '--db', db, '--config', configFile('export default {};')]);
    expect(await within(noSchema.exited, 15_000, 'the exit')).toBe(1);
    expect(noSchema.output()).toMatch(/the config has no schema/);
  });
});


