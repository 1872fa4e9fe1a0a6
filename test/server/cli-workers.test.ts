/**
 * `yracer serve --workers N` on Postgres and Redis: N processes on one port
 * (node:cluster), sharing storage and changes. Runs bin/yracer.mjs, which
 * runs the built package (`npm test` builds dist/ first). Needs Postgres
 * and Redis (skipped with one line each when they do not answer).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL, postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { probeRedis, REDIS_URL } from '../helpers/redis-fixtures.ts';
import { loadStored, useResources, within } from '../helpers/server-fixtures.ts';
import { client, waitFor } from '../helpers/sync-fixtures.ts';

const redisAvailable = await probeRedis();
const resources = useResources();
const pg = postgresScope();

describe.skipIf(!postgresAvailable || !redisAvailable)('yracer serve --workers', () => {
  it('serves from 2 worker processes on one port sharing Postgres and Redis, and exits 0 on SIGTERM', async () => {
    if (!existsSync('dist/server/cli.js')) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const schema = await pg.freshSchema({ create: false });
    const args = ['bin/yracer.mjs', 'serve', '--port', '0', '--postgres', POSTGRES_URL, '--postgres-schema', schema, '--redis', REDIS_URL, '--workers', '2'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    resources.defer(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => /listening on ws:\/\/\S+ \(2 workers/.test(output) || child.exitCode !== null, 30_000, 'the URL on stdout');
    const url = /listening on (ws:\/\/\S+) \(2 workers/.exec(output)?.[1];
    if (!url) throw new Error(`no URL:\n${output}`);
    // Two workers each print their own line (through their own pipes, so maybe after the primary's): both started.
    await waitFor(() => (output.match(/worker \d+\)/g)?.length ?? 0) === 2, 10_000, 'a line from each worker');
    const models = [...Array(4)].map(() => resources.model(client(url)));
    await Promise.all(models.map((m) => m.subscribe('todos.a')));
    models.forEach((m, i) => m.set(`todos.a.k${i}`, i));
    await Promise.all(models.map((m) => m.whenNothingPending()));
    await waitFor(() => models.every((m) => Object.keys((m.get('todos.a') as object | undefined) ?? {}).length === 4), 10_000, 'every client to see every write');
    for (const m of models) m.close();
    child.kill('SIGTERM');
    expect(await within(exited, 20_000, 'the primary to exit')).toBe(0);
    expect((await loadStored(pg.open(schema), 'todos/a')).value).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3 });
  });
});
