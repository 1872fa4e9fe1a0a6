/**
 * The Yjs patch (src/model/mutations/yjs-patches.ts) in a consumer's production
 * bundle. A tiny app that imports `yracer` and `yjs` from its own
 * node_modules (symlinks to this package and to its Yjs, as an installed
 * package resolves) is built with Vite in production mode, so the bundler
 * reads this package.json (`exports`, `sideEffects`) like it does for a real
 * consumer. The bundle is then loaded in this process and pushes into a raw
 * Y.Array one value at a time: stock Yjs copies the whole run on every push
 * (`Array.prototype.concat`, about n * n / 2 elements), the patch copies
 * nothing. Needs dist/ (`npm test` builds it first; run `npm run build`
 * before running this file alone).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';
import { concatOutput } from '../helpers/concat-output.ts';

// Nothing here imports yjs or src/: the bundle's Yjs is the only one in this process.
const ROOT = resolve(import.meta.dirname, '../..');

/** What the consumer app puts on `globalThis` for this test. */
interface ConsumerProbe {
  /** Pushes 0..n-1 into a fresh raw Y.Array, one push (one transaction) each; returns the array's length. */
  pushRaw(n: number): number;
  /** Creates (and closes) a yracer model. */
  makeModel(): void;
}

const PROBE = 'yracerConsumerProbe';

/** The consumer app: an ordinary module entry that uses yracer and Yjs. */
const APP = `import { createModel } from 'yracer';
import * as Y from 'yjs';

globalThis.${PROBE} = {
  pushRaw(n) {
    const array = new Y.Doc().getArray('list');
    for (let i = 0; i < n; i++) array.push([i]);
    return array.length;
  },
  makeModel() {
    createModel().close();
  },
};
`;

/** Builds the app with Vite in production mode into `dir`/out; returns the entry chunk's file and code. */
async function buildApp(dir: string): Promise<{ readonly file: string; readonly code: string }> {
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  symlinkSync(ROOT, join(modules, 'yracer'), 'dir');
  symlinkSync(join(ROOT, 'node_modules/yjs'), join(modules, 'yjs'), 'dir');
  writeFileSync(join(dir, 'main.js'), APP);
  const outDir = join(dir, 'out');
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production'; // as `vite build` has it (vitest sets "test")
  let output: Rolldown.RolldownOutput | Rolldown.RolldownOutput[] | Rolldown.RolldownWatcher;
  try {
    output = await build({
      root: dir,
      configFile: false,
      envFile: false,
      logLevel: 'silent',
      mode: 'production',
      build: { outDir, emptyOutDir: true, rolldownOptions: { input: join(dir, 'main.js') } },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = nodeEnv;
  }
  if (Array.isArray(output) || !('output' in output)) throw new Error('expected one build output');
  const entry = output.output.find((chunk): chunk is Rolldown.OutputChunk => chunk.type === 'chunk' && chunk.isEntry);
  if (entry === undefined) throw new Error('the build has no entry chunk');
  const file = join(outDir, entry.fileName);
  return { file, code: readFileSync(file, 'utf8') };
}

const dir = mkdtempSync(join(tmpdir(), 'yracer-consumer-'));
let bundle: { readonly file: string; readonly code: string };
let probe: ConsumerProbe;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  bundle = await buildApp(dir);
  await import(pathToFileURL(bundle.file).href);
  probe = (globalThis as unknown as Record<string, ConsumerProbe>)[PROBE] as ConsumerProbe;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('yjs patches in a consumer bundle', () => {
  it('are in the production bundle of an app that imports yracer', () => {
    expect(bundle.code.includes('yracer.yjs-content-any-patch'), 'the patch marker in the bundle').toBe(true);
  });

  it('make raw Yjs pushes linear once the app has loaded yracer', () => {
    const n = 2000;
    let length = 0;
    const copied = concatOutput(() => (length = probe.pushRaw(n)));
    expect(length).toBe(n);
    // Stock Yjs: about n * n / 2 = 2,000,000 elements copied.
    expect(copied).toBeLessThan(n);
  });

  it('make raw Yjs pushes linear once the app has created a model', () => {
    probe.makeModel();
    const n = 2000;
    let length = 0;
    const copied = concatOutput(() => (length = probe.pushRaw(n)));
    expect(length).toBe(n);
    expect(copied).toBeLessThan(n);
  });
});
