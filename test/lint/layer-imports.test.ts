/**
 * The "May import" column of docs/architecture.md's Layers table, enforced on
 * the real imports of src/: each folder imports only the folders and
 * packages its row names, every src/ folder has a row, and every file the
 * page names in backticks exists. So the page cannot drift from the code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const src = join(root, 'src');
const page = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

/** What one folder may import. */
interface LayerRule {
  readonly folders: ReadonlySet<string>;
  readonly packages: ReadonlySet<string>;
  readonly nodeBuiltins: boolean;
}

/** One import of a source file. */
interface SourceImport {
  readonly file: string;
  readonly specifier: string;
}

/** The rules of the Layers table, by folder name (`model` for `src/model/`). */
function layerRules(markdown: string): Map<string, LayerRule> {
  const rules = new Map<string, LayerRule>();
  for (const line of markdown.split('\n')) {
    const row = /^\| `src\/([a-z-]+)\/` \|.*\| ([^|]*) \|$/.exec(line);
    if (!row) continue;
    const cell = row[2] ?? '';
    const packages = new Set([...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''));
    const words = cell.replace(/`[^`]+`/g, '').replace('Node built-ins', '').split(/[,\s]+/).filter((word) => word !== '' && word !== 'nothing');
    rules.set(row[1] ?? '', { folders: new Set(words), packages, nodeBuiltins: cell.includes('Node built-ins') });
  }
  return rules;
}

/** The package a bare specifier names (`lib0/encoding` → `lib0`, `@redis/client` → `@redis/client`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));
}

/** The src/ folder a path is in (`''` for a file directly in src/). */
function folderOf(path: string): string {
  const inside = relative(src, path).split(sep);
  return inside.length > 1 ? (inside[0] ?? '') : '';
}

/** Why an import breaks `rule` for `folder`, or null when it is allowed. */
function violation(folder: string, rule: LayerRule, found: SourceImport): string | null {
  const where = `${relative(root, found.file)} imports '${found.specifier}'`;
  if (found.specifier.startsWith('.')) {
    const target = folderOf(resolve(dirname(found.file), found.specifier));
    return target === folder || rule.folders.has(target) ? null : `${where}: src/${folder}/ may not import src/${target}/ (docs/architecture.md "Layers")`;
  }
  if (isNodeBuiltin(found.specifier)) return rule.nodeBuiltins ? null : `${where}: src/${folder}/ may not import Node built-ins`;
  return rule.packages.has(packageOf(found.specifier)) ? null : `${where}: the package ${packageOf(found.specifier)} is not in src/${folder}/'s row`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): SourceImport[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map(({ fileName }) => ({ file, specifier: fileName }));
}

const rules = layerRules(page);
const folders = readdirSync(src).filter((name) => statSync(join(src, name)).isDirectory());

describe('layer imports (docs/architecture.md)', () => {
  it('has a row for every src/ folder and no row for a missing one', () => {
    expect([...rules.keys()].sort()).toEqual([...folders].sort());
  });

  it.each(folders)('src/%s/ imports only what its row allows', (folder) => {
    const rule = rules.get(folder);
    if (!rule) throw new Error(`docs/architecture.md has no row for src/${folder}/`);
    const problems = sourceFiles(join(src, folder))
      .flatMap(importsOf)
      .map((found) => violation(folder, rule, found))
      .filter((problem): problem is string => problem !== null);
    expect(problems, `\n${problems.join('\n')}\n`).toEqual([]);
  });

  it('lets src/index.ts (the browser-safe `yracer` entry) import only model, client, query and schema', () => {
    const rule: LayerRule = { folders: new Set(['model', 'client', 'query', 'schema']), packages: new Set(), nodeBuiltins: false };
    const problems = importsOf(join(src, 'index.ts')).map((found) => violation('', rule, found)).filter((problem) => problem !== null);
    expect(problems).toEqual([]);
  });

  it('names only files that exist', () => {
    const named = new Set([...page.matchAll(/`(?:src\/[\w/-]+\/)?([\w-]+\.tsx?)`/g)].map((match) => match[1] ?? ''));
    const existing = new Set([...sourceFiles(src), ...sourceFiles(join(root, 'test'))].map((file) => basename(file)));
    expect([...named].filter((name) => !existing.has(name))).toEqual([]);
    expect(named.size).toBeGreaterThan(15);
  });

  it('reports a crossing, a package and a Node built-in that a row does not allow', () => {
    const model = rules.get('model');
    if (!model) throw new Error('no row for src/model/');
    const file = join(src, 'model', 'example.ts');
    expect(violation('model', model, { file, specifier: '../client/sync-client.ts' })).toMatch(/src\/model\/ may not import src\/client\//);
    expect(violation('model', model, { file, specifier: 'ws' })).toMatch(/the package ws is not in src\/model\/'s row/);
    expect(violation('model', model, { file, specifier: 'node:fs' })).toMatch(/may not import Node built-ins/);
    expect(violation('model', model, { file, specifier: '../query/match-query.ts' })).toBeNull();
    expect(violation('model', model, { file, specifier: 'yjs' })).toBeNull();
  });
});
