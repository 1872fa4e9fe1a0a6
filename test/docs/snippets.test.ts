/**
 * Every ```ts / ```tsx snippet of README.md and docs/*.md type-checks against
 * src/, and the `runnable` ones run against the built package. Flags and
 * conventions: test/docs/doc-snippets.ts; names a fragment may use without
 * declaring them: SNIPPET_PRELUDE in test/docs/snippet-program.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSnippets, extractSnippets, snippetLocation } from './doc-snippets.ts';
import { runSnippet, userProject } from './run-snippet.ts';
import { checkSnippets, type SnippetProblems } from './snippet-program.ts';

const root = process.cwd();
const snippets = allSnippets(root);
const runnable = snippets.filter((snippet) => snippet.flags.has('runnable'));
/** A snippet with a mistake and a wrong marker, checked in the same program to show what a failure reports. */
const [broken] = extractSnippets('docs/x.md', '# t\n\n```ts\nconst a: number = 1;\nundeclaredThing(a);\nconst b = 2; // compile error\n```');

describe('doc snippets', () => {
  let results: SnippetProblems[] = [];
  let brokenResult: SnippetProblems | undefined;
  beforeAll(() => {
    const all = checkSnippets(root, [...snippets, broken!]);
    brokenResult = all.find((result) => result.snippet === broken);
    results = all.filter((result) => result !== brokenResult);
  }, 120_000);

  it('reports an undeclared name at its Markdown line, and a line marked "compile error" that type-checks', () => {
    expect(brokenResult?.snippet).toBe(broken);
    expect(brokenResult?.problems).toHaveLength(2);
    expect(brokenResult?.problems[0]).toMatch(/^docs\/x\.md:5: TS2304 Cannot find name 'undeclaredThing'/);
    expect(brokenResult?.problems[1]).toBe('docs/x.md:6: marked "compile error" but it type-checks');
  });

  it('finds the snippets of README.md and docs/*.md, the README quick starts among them', () => {
    const readme = snippets.filter((snippet) => snippet.file === 'README.md');
    expect(readme.map((snippet) => snippet.language)).toEqual(['tsx', 'ts']);
    expect(readme[1]?.flags.has('runnable')).toBe(true);
    expect(snippets.filter((snippet) => snippet.flags.has('skip')).length).toBeLessThanOrEqual(3);
  });

  it('type-check against src/ (a failure names the file, the line and the error)', () => {
    const problems = results.flatMap((result) => result.problems);
    expect(results.length).toBe(snippets.filter((snippet) => !snippet.flags.has('skip')).length);
    expect(problems, `\n${problems.join('\n')}\n`).toEqual([]);
  });

  describe('runnable', () => {
    let project: ReturnType<typeof userProject> | undefined;
    beforeAll(() => {
      project = userProject(root);
    });
    afterAll(() => project?.remove());

    it.each(runnable.map((snippet) => [snippetLocation(snippet), snippet] as const))('%s runs with node and exits 0', async (_where, snippet) => {
      if (!project) throw new Error('no project folder');
      const run = await runSnippet(project.dir, snippet);
      expect(run.code, `${snippetLocation(snippet)} exited with ${String(run.code)}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(0);
      // The Node quick start prints the change event, then the stored todo read back.
      if (snippet.file === 'README.md') expect(run.stdout).toMatch(/done: true\n[^]*title: 'Milk',\s+done: true/);
    });
  });
});

describe('extractSnippets', () => {
  it('reads the language, the flags and the lines marked as compile errors', () => {
    const markdown = ['text', '```ts runnable', 'const a = 1;', "a.x; // compile error", '```', '```sh', 'ls', '```', '```tsx', '<b />', '```'].join('\n');
    const found = extractSnippets('docs/x.md', markdown);
    expect(found.map((s) => [s.fenceLine, s.language, [...s.flags], s.expectedErrorLines])).toEqual([
      [2, 'ts', ['runnable'], [2]],
      [9, 'tsx', [], []],
    ]);
    expect(snippetLocation(found[0]!, 2)).toBe('docs/x.md:4');
  });

  it('rejects an unknown flag and an unclosed fence, naming the file and line', () => {
    expect(() => extractSnippets('docs/x.md', '```ts runable\n1\n```')).toThrow('docs/x.md:1: unknown snippet flag "runable"');
    expect(() => extractSnippets('docs/x.md', 'a\n```ts\n1')).toThrow('docs/x.md:2: a code fence that is never closed');
  });
});
