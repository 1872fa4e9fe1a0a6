/**
 * The TypeScript snippets of README.md and docs/*.md, for the snippet test.
 *
 * A snippet is a fenced block whose info string starts with `ts` or `tsx`.
 * Words after the language are flags:
 *
 * - `runnable`: also run it with Node (as an ES module) against the built
 *   package; it must exit 0. Keep such snippets plain JavaScript plus types.
 * - `isolated`: type-check it in a program of its own (for global
 *   declarations such as `declare module 'yracer' { interface Register ... }`
 *   that would change how every other snippet types).
 * - `skip`: neither checked nor run (for notation that is not TypeScript,
 *   such as a list of event shapes). Keep these few.
 * - `file=<path>` (e.g. `file=app/page.tsx`): the snippet is that file of an
 *   app, so another snippet of the same Markdown file may import it by a
 *   relative path without an extension (`import { TodoApp } from './todo-app'`).
 *
 * A line whose comment contains `compile error` must produce a type error
 * (it shows a mistake the types catch); every other line must produce none.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One fenced snippet. */
export interface DocSnippet {
  /** The Markdown file, relative to the repository (`docs/model.md`). */
  readonly file: string;
  /** The 1-based line of the opening fence in that file. */
  readonly fenceLine: number;
  readonly language: 'ts' | 'tsx';
  readonly flags: ReadonlySet<string>;
  /** The snippet's text, without the fences. */
  readonly code: string;
  /** 1-based lines of the snippet (relative to its first line) that must fail to type-check. */
  readonly expectedErrorLines: readonly number[];
}

/** The flags a snippet's info string may carry. */
export const SNIPPET_FLAGS: ReadonlySet<string> = new Set(['runnable', 'isolated', 'skip', 'file=<path>']);

/** The `file=` path of a snippet, if it has one. */
export function snippetFileName(snippet: DocSnippet): string | undefined {
  for (const flag of snippet.flags) if (flag.startsWith('file=')) return flag.slice('file='.length);
  return undefined;
}

/** `docs/model.md:245`: where a line of a snippet is in its Markdown file. */
export function snippetLocation(snippet: DocSnippet, snippetLine = 0): string {
  return `${snippet.file}:${snippet.fenceLine + snippetLine}`;
}

/** The Markdown files whose snippets are checked: README.md and docs/*.md. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/**
 * The ts/tsx snippets of one Markdown text. Throws an `Error` naming the file
 * and line for an unknown flag or a fence that is never closed.
 */
export function extractSnippets(file: string, markdown: string): DocSnippet[] {
  const lines = markdown.split('\n');
  const snippets: DocSnippet[] = [];
  let open: { line: number; fence: string; info: string } | null = null;
  let body: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (open === null) {
      const start = /^(`{3,})\s*(\S.*)?$/.exec(line);
      if (start) {
        open = { line: index + 1, fence: start[1] ?? '```', info: (start[2] ?? '').trim() };
        body = [];
      }
      continue;
    }
    if (line.trim() === open.fence) {
      const snippet = toSnippet(file, open.line, open.info, body);
      if (snippet) snippets.push(snippet);
      open = null;
      continue;
    }
    body.push(line);
  }
  if (open !== null) throw new Error(`${file}:${open.line}: a code fence that is never closed`);
  return snippets;
}

/** Every snippet of README.md and docs/*.md. */
export function allSnippets(root: string): DocSnippet[] {
  return docFiles(root).flatMap((file) => extractSnippets(file, readFileSync(join(root, file), 'utf8')));
}

function toSnippet(file: string, fenceLine: number, info: string, body: string[]): DocSnippet | null {
  const [language, ...flags] = info.split(/\s+/);
  if (language !== 'ts' && language !== 'tsx') return null;
  for (const flag of flags) {
    if (!SNIPPET_FLAGS.has(flag) && !/^file=[\w./-]+\.tsx?$/.test(flag)) {
      throw new Error(`${file}:${fenceLine}: unknown snippet flag "${flag}" (known: ${[...SNIPPET_FLAGS].join(', ')})`);
    }
  }
  const expectedErrorLines: number[] = [];
  body.forEach((line, index) => {
    if (/\/\/.*compile error/.test(line)) expectedErrorLines.push(index + 1);
  });
  return { file, fenceLine, language, flags: new Set(flags), code: body.join('\n'), expectedErrorLines };
}
