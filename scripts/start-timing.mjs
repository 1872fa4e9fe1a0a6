#!/usr/bin/env node
// How long `npm start` takes to serve: runs scripts/start.mjs twice, first
// with --rebuild (every build runs, as on a first start), then as is (the
// builds are current and skipped), each on a free port with a temporary
// DATA_DIR; prints the time from spawning it to its URL line and to the
// first HTTP 200 of the page, then stops it (SIGTERM).
//
//   node scripts/start-timing.mjs [more start.mjs options, e.g. --out DIR]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(import.meta.dirname, '..');
const extra = process.argv.slice(2);

/** One start: resolves to its timings (ms) and output. */
function timeStart(args) {
  const data = mkdtempSync(join(tmpdir(), 'yracer-start-timing-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: root,
    env: { ...process.env, PORT: '0', DATA_DIR: data },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((done, fail) => {
    let measured = null;
    const onOutput = (chunk) => {
      output += chunk;
      const url = /todos example: (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined || measured !== null) return;
      measured = { printed: performance.now() - started };
      globalThis.fetch(url).then(
        (response) => {
          measured.status = response.status;
          measured.served = performance.now() - started;
          child.kill('SIGTERM');
        },
        (error) => {
          child.kill('SIGTERM');
          fail(error);
        },
      );
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('exit', (code) => {
      rmSync(data, { recursive: true, force: true });
      if (measured?.served === undefined) fail(new Error(`scripts/start.mjs exited (${code}) before serving:\n${output}`));
      else done({ ...measured, output });
    });
  });
}

for (const [label, args] of [
  ['first start (--rebuild)', ['--rebuild', ...extra]],
  ['second start', extra],
]) {
  const { printed, served, status, output } = await timeStart(args);
  console.log(`${label}: URL after ${(printed / 1000).toFixed(2)} s, HTTP ${status} after ${(served / 1000).toFixed(2)} s`);
  for (const line of output.trim().split('\n')) console.log(`  | ${line}`);
}
