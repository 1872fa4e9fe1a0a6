#!/usr/bin/env node
// `npm start`: builds the library (tsc) and the todos example (Vite: the
// client and the server-side render), then serves the example, its
// server-side render and the sync server on http://localhost:3000 (PORT),
// storing documents in ./data (DATA_DIR).
// `npm run dev`: the same from source through Vite's dev server (HMR).
//
// A build is skipped when its inputs are unchanged since the last one
// (scripts/build-stamp.mjs: a hash of the inputs stored beside the outputs,
// dist/.build-stamp.json and <out>/build-stamp.json), so a second start
// serves in about a second.
//
// Options: --dev; --rebuild (build even when the stamps say current);
// --skip-library-build (dist/ is already built, as in `npm test`);
// --skip-example-build (the Vite build in --out is current);
// --out DIR (where the Vite build goes; default example-app/dist).
//
// SIGINT/SIGTERM work from the first moment: during the builds they stop
// the build (the tsc child gets the signal too) and exit 0; once the server
// starts, example-app/server.ts handles them (it closes the server, then
// exits 0).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { hashInputs, isCurrent, writeStamp } from './build-stamp.mjs';

/** The build running in a child process, if any: it gets the signal too. */
let building = null;
const stopBuilding = (signal) => {
  console.log(`${signal}: stopping`);
  building?.kill(signal);
  process.exit(0);
};
process.on('SIGINT', stopBuilding);
process.on('SIGTERM', stopBuilding);

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const dev = args.includes('--dev');
const outIndex = args.indexOf('--out');
const out = outIndex === -1 ? 'example-app/dist' : args[outIndex + 1];
if (out === undefined || out.startsWith('--')) {
  console.error('usage: node scripts/start.mjs [--dev] [--rebuild] [--skip-library-build] [--skip-example-build] [--out DIR]');
  process.exit(2);
}
const distDir = resolve(root, out);

// Production React and yracer (unfrozen snapshots) unless told otherwise; Vite sets development for dev.
if (!dev) process.env.NODE_ENV ||= 'production';

const rebuild = args.includes('--rebuild');
const require = createRequire(import.meta.url);
const versionOf = (name) => `${name}@${require(`${name}/package.json`).version}`;
const isJs = (name) => name.endsWith('.js');

// The library: its sources and compiler settings, and the compiler's version.
const libraryStamp = resolve(root, 'dist/.build-stamp.json');
const libraryHash = () => hashInputs(root, [{ path: 'src' }, { path: 'tsconfig.json' }, { path: 'tsconfig.build.json' }], [versionOf('typescript')]);
const libraryOutputs = ['dist/index.js', 'dist/react/index.js', 'dist/server/index.js'].map((file) => resolve(root, file));

if (!args.includes('--skip-library-build')) {
  const hash = libraryHash();
  if (!rebuild && isCurrent(libraryStamp, hash, libraryOutputs)) {
    console.log('yracer (tsc): up to date, not rebuilt');
  } else {
    console.log('building yracer (tsc)...');
    // Not spawnSync: this process must stay free to handle a signal (and pass it on) while tsc runs.
    building = spawn(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.build.json')], {
      stdio: 'inherit',
    });
    const status = await new Promise((done) => {
      building.once('error', () => done(1));
      building.once('exit', (code) => done(code ?? 1));
    });
    building = null;
    if (status !== 0) process.exit(status);
    writeStamp(libraryStamp, hash);
  }
}

if (!dev && !args.includes('--skip-example-build')) {
  // The example: its sources and Vite config, the library it bundles (dist/'s JavaScript), and the
  // locked dependency versions (React and Yjs are bundled too).
  const exampleStamp = join(distDir, 'build-stamp.json');
  const hash = hashInputs(
    root,
    [{ path: 'example-app/src' }, { path: 'example-app/index.html' }, { path: 'example-app/vite.config.ts' }, { path: 'dist', keep: isJs }, { path: 'package-lock.json' }],
    [versionOf('vite'), `out=${distDir}`],
  );
  const exampleOutputs = [join(distDir, 'client/index.html'), join(distDir, 'server/entry-server.js')];
  if (!rebuild && isCurrent(exampleStamp, hash, exampleOutputs)) {
    console.log('the todos example (vite): up to date, not rebuilt');
  } else {
    console.log('building the todos example (vite)...');
    const { build } = await import('vite');
    const configFile = resolve(root, 'example-app/vite.config.ts');
    const quiet = { configFile, logLevel: 'warn', mode: 'production' };
    await build({ ...quiet, build: { outDir: resolve(distDir, 'client'), emptyOutDir: true } });
    await build({ ...quiet, build: { ssr: 'src/entry-server.tsx', outDir: resolve(distDir, 'server'), emptyOutDir: true } });
    writeStamp(exampleStamp, hash);
  }
}

// The server is TypeScript: tsx compiles it on the fly.
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../example-app/server.ts');
console.log(`starting the todos example${dev ? ' (dev)' : ''}...`);
// main() handles signals from its first step on (it closes what it started): this script's own handling ends there.
const running = main({ dev, distDir });
process.off('SIGINT', stopBuilding);
process.off('SIGTERM', stopBuilding);
try {
  await running;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
