/**
 * The links of README.md and docs/*.md stay inside the repository: every
 * relative link names a file or folder that exists, none climbs out of the
 * repository, and the pages name no file outside it (DESIGN.md, ../shared).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles } from './doc-snippets.ts';

const root = process.cwd();

/** The targets of the Markdown links `[text](target)` of a page, with their lines. */
function links(markdown: string): Array<{ line: number; target: string }> {
  return markdown.split('\n').flatMap((text, index) => [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => ({ line: index + 1, target: match[1] ?? '' })));
}

describe('doc links', () => {
  it.each(docFiles(root))('%s links only to files inside the repository that exist', (file) => {
    const markdown = readFileSync(join(root, file), 'utf8');
    const problems = links(markdown)
      .filter(({ target }) => !/^(https?:|mailto:|#)/.test(target))
      .flatMap(({ line, target }) => {
        const path = resolve(dirname(join(root, file)), target.split('#')[0] ?? '');
        if (relative(root, path).startsWith('..')) return [`${file}:${line}: ${target} points outside the repository`];
        return existsSync(path) ? [] : [`${file}:${line}: ${target} does not exist`];
      });
    const outside = markdown.split('\n').flatMap((text, index) => (/DESIGN\.md|\.\.\/shared/.test(text) ? [`${file}:${index + 1}: names a file outside the repository`] : []));
    expect([...problems, ...outside]).toEqual([]);
  });
});
