/**
 * No import circle in src/, type-only imports included: each file's
 * relative imports (read by TypeScript's `preProcessFile`, so `import type`
 * and `export ... from` count) form a graph, and Tarjan's algorithm finds
 * its strongly connected components; any with more than one file is a
 * circle. A circle means two concepts that cannot be understood (or moved)
 * one without the other: give the shared part a file of its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Every .ts/.tsx file below `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The files `file` imports by relative path (type imports and re-exports included). */
function relativeImports(file: string, known: ReadonlySet<string>): string[] {
  return ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier))
    .filter((target) => known.has(target));
}

/** The strongly connected components of more than one node (Tarjan). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('import circles', () => {
  it('finds a circle of two and one of three, and none in a chain', () => {
    expect(circles(new Map([['a', ['b']], ['b', ['a']], ['c', ['d']], ['d', ['e']], ['e', ['c']], ['f', ['a']]]))).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('finds none in src/, type imports included', () => {
    const root = process.cwd();
    const files = sourceFiles(join(root, 'src'));
    const known = new Set(files);
    const graph = new Map(files.map((file) => [file, relativeImports(file, known)]));
    // The graph is read: the model's class imports its layers (an empty graph would find nothing).
    expect(graph.get(join(root, 'src/model/model.ts'))?.length).toBeGreaterThan(3);
    expect(circles(graph).map((component) => component.map((file) => relative(root, file)).join(' -> '))).toEqual([]);
  });
});
