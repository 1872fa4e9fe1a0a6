/**
 * Runs a `runnable` documentation snippet as a user would: as an ES module in
 * a folder of its own whose node_modules holds `yracer` (this repository,
 * built: dist/) and `ws`, with `node`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { snippetLocation, type DocSnippet } from './doc-snippets.ts';

/** What a run printed and how it ended. */
export interface SnippetRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A folder that plays a user's project after `npm install yracer ws`. */
export function userProject(root: string): { dir: string; remove: () => void } {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('runnable snippets run against dist/: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'yracer-snippet-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'yracer'), 'dir');
  symlinkSync(join(root, 'node_modules', 'ws'), join(dir, 'node_modules', 'ws'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Strips the snippet's types, writes it as `<file>-L<line>.mjs` in `dir` and
 * runs it with `node` (cwd `dir`, `PORT=0` so a server takes a free port).
 * Resolves when the process exits (or is killed after `timeoutMs`).
 */
export function runSnippet(dir: string, snippet: DocSnippet, timeoutMs = 30_000): Promise<SnippetRun> {
  const js = ts.transpileModule(snippet.code, {
    fileName: `snippet.${snippet.language}`,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.ReactJSX, verbatimModuleSyntax: true },
  }).outputText;
  const name = `${snippetLocation(snippet).replace(/[^A-Za-z0-9]+/g, '-')}.mjs`;
  writeFileSync(join(dir, name), js);
  return new Promise((resolve) => {
    execFile(process.execPath, [name], { cwd: dir, env: { ...process.env, PORT: '0' }, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}
