/**
 * The browser entry points (`yracer`, `yracer/react`) as built: their import
 * graph in dist/ reaches no server-only module (Node built-ins, ws, SQLite,
 * Postgres, Redis, prom-client), only the packages a browser bundle may
 * hold; and dist/react/index.js starts with the `'use client'` directive
 * that React Server Components (Next.js App Router) need.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = process.cwd();
const dist = join(root, 'dist');

/** Packages the browser entry points may import (a bare specifier, or a prefix ending in `/`). */
const BROWSER_PACKAGES = ['yjs', 'lib0/', 'y-protocols/', 'react', 'react/jsx-runtime'];

/** Every module reached from `entry` by static and dynamic imports: files in dist/ and bare specifiers, with who imports them. */
function importGraph(entry: string): { files: string[]; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier));
      else if (!packages.has(specifier)) packages.set(specifier, relative(root, file));
    }
  }
  return { files: [...files], packages };
}

function isBrowserPackage(specifier: string): boolean {
  return BROWSER_PACKAGES.some((allowed) => (allowed.endsWith('/') ? specifier.startsWith(allowed) : specifier === allowed));
}

function serverOnly(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? specifier) || !isBrowserPackage(specifier);
}

describe('client entry points', () => {
  beforeAll(() => {
    if (!existsSync(join(dist, 'index.js'))) throw new Error('this test reads dist/: run `npm run build` first');
  });

  it.each(['index.js', 'react/index.js'])('dist/%s imports only browser-safe packages', (entry) => {
    const { files, packages } = importGraph(join(dist, entry));
    expect(files.length).toBeGreaterThan(entry === 'index.js' ? 20 : 10);
    const offending = [...packages].filter(([specifier]) => serverOnly(specifier)).map(([specifier, by]) => `${specifier} (imported by ${by})`);
    expect(offending, `server-only or unlisted packages reached from dist/${entry}:\n${offending.join('\n')}`).toEqual([]);
  });

  it('finds the server-only packages of dist/server/index.js (the walk sees them)', () => {
    const { packages } = importGraph(join(dist, 'server/index.js'));
    for (const specifier of ['ws', 'better-sqlite3', 'pg', '@redis/client']) expect(packages.has(specifier)).toBe(true);
    expect([...packages.keys()].some((specifier) => specifier.startsWith('node:'))).toBe(true);
  });

  it("starts dist/react/index.js with the 'use client' directive", () => {
    const source = ts.createSourceFile('index.js', readFileSync(join(dist, 'react/index.js'), 'utf8'), ts.ScriptTarget.ES2022);
    const [first] = source.statements;
    expect(first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) ? first.expression.text : undefined).toBe('use client');
  });

  it("keeps 'use client' out of the other entry points (the model and the server are not client-only)", () => {
    for (const entry of ['index.js', 'server/index.js']) expect(readFileSync(join(dist, entry), 'utf8')).not.toMatch(/^\s*['"]use client['"]/m);
  });
});
