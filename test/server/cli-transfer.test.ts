/**
 * `yracer export` and `yracer import` (bin/yracer.mjs, which runs the built
 * package: run `npm run build` before running this file alone).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL, postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { sqliteScope } from '../helpers/sqlite-fixtures.ts';
import { SEEDED, expectSameDocuments, seedDocuments } from '../helpers/transfer-fixtures.ts';
import { within } from '../helpers/server-fixtures.ts';

const sqlite = sqliteScope('yracer-cli-transfer-');
const postgres = postgresScope();

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/yracer.mjs ...args` with `input` on stdin; resolves once it exits. */
function yracer(args: readonly string[], input = ''): Promise<Ran> {
  if (!existsSync('dist/server/cli.js')) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, ['bin/yracer.mjs', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return within(
    new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))),
    60_000,
    `yracer ${args.join(' ')}`,
  );
}

describe('yracer export / import', () => {
  it('exports a SQLite store to stdout and imports it into a fresh one from stdin', { timeout: 120_000 }, async () => {
    const from = sqlite.newFile();
    const source = sqlite.open(from, { durability: 'process' });
    await seedDocuments(source);
    const exported = await yracer(['export', '--db', from]);
    expect(exported).toMatchObject({ code: 0, stderr: `yracer export: ${SEEDED.length} documents\n` });
    expect(exported.stdout.trim().split('\n')).toHaveLength(SEEDED.length);
    const to = sqlite.newFile();
    const imported = await yracer(['import', '--db', to], exported.stdout);
    expect(imported).toMatchObject({ code: 0, stdout: '', stderr: `yracer import: ${SEEDED.length} created, 0 merged into existing documents, 0 unchanged\n` });
    await expectSameDocuments(source, sqlite.open(to));
  });

  it('stops at a bad line with exit code 1, naming the line, having imported the lines before it', { timeout: 120_000 }, async () => {
    const from = sqlite.newFile();
    await seedDocuments(sqlite.open(from, { durability: 'process' }));
    const lines = (await yracer(['export', '--db', from])).stdout.trim().split('\n');
    const to = sqlite.newFile();
    const imported = await yracer(['import', '--db', to], [lines[0], lines[1], '{"collection":"todos"}', lines[2]].join('\n'));
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/^yracer import: line 3: "collection" and "id" must be strings; the lines before it are imported/);
    const target = sqlite.open(to);
    // Export order: lists/l1, todos/compacted, todos/deleted, ...
    const keys = ['l1', 'compacted', 'deleted'].map((id) => ({ collection: id === 'l1' ? 'lists' : 'todos', id }));
    expect(await target.heads(keys)).toEqual([1, 1, 0]);
  });

  it('refuses to export a database that does not exist (and does not create it)', async () => {
    const missing = join(sqlite.dir, 'missing.db');
    expect(await yracer(['export', '--db', missing])).toMatchObject({ code: 1, stdout: '', stderr: `yracer export: no database at ${missing}\n` });
    expect(existsSync(missing)).toBe(false);
  });

  it.skipIf(!postgresAvailable)('exports from SQLite into Postgres with --postgres and --postgres-schema', { timeout: 120_000 }, async () => {
    const from = sqlite.newFile();
    const source = sqlite.open(from, { durability: 'process' });
    await seedDocuments(source);
    const exported = await yracer(['export', '--db', from]);
    const schema = await postgres.freshSchema({ create: false });
    const imported = await yracer(['import', '--postgres', POSTGRES_URL, '--postgres-schema', schema], exported.stdout);
    expect(imported.code).toBe(0);
    await expectSameDocuments(source, postgres.open(schema));
  });
});
