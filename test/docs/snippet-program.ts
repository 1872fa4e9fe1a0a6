/**
 * Type-checks the documentation's snippets in one TypeScript program (plus one
 * per `isolated` snippet), with the project's compiler options and
 * `yracer`, `yracer/react`, `yracer/server` and `yracer/devtools` mapped to src/.
 *
 * Each snippet is a virtual module next to the repository's package.json (so
 * it is an ES module and finds node_modules); nothing is written to disk.
 * Snippets may use the names of SNIPPET_PRELUDE without declaring them, so
 * a fragment such as `model.set('todos.a1.done', true)` checks as written.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { snippetFileName, snippetLocation, type DocSnippet } from './doc-snippets.ts';

/**
 * Names a snippet may use without declaring them (a snippet's own
 * declaration or import of the same name wins).
 */
export const SNIPPET_PRELUDE = `
declare const model: import('yracer').Model;
declare const server: import('yracer/server').SyncServer;
declare const storage: import('yracer/server').Storage;
declare const id: string;
declare const url: string;
declare const wsUrl: string;
declare const root: import('react-dom/client').Root;
declare function App(): import('react').ReactNode;
declare function render(): void;
declare function toast(message: string): void;
declare function sessionFromToken(request: import('node:http').IncomingMessage): import('yracer/server').Session;
declare function renderPage(model: import('yracer').Model, bundle: import('yracer').ModelBundle): string;
declare const authenticate: NonNullable<import('yracer/server').ServerOptions['authenticate']>;
declare const rules: import('yracer/server').Rules;
interface Window { __BUNDLE__: import('yracer').ModelBundle }
type Todo = { id: string; title: string; done: boolean; tags: string[]; createdAt: number; listId: string; owner: string };
declare const schema: {
  todos: import('zod').ZodObject<{
    title: import('zod').ZodString;
    done: import('zod').ZodBoolean;
    tags: import('zod').ZodArray<import('zod').ZodString>;
  }>;
};
`;

/** A snippet's type errors, as lines for a failure message. */
export interface SnippetProblems {
  readonly snippet: DocSnippet;
  readonly problems: readonly string[];
}

/** The virtual file name of a snippet. */
function virtualName(root: string, snippet: DocSnippet): string {
  const slug = snippet.file.replace(/[^A-Za-z0-9]+/g, '-');
  const named = snippetFileName(snippet);
  if (named !== undefined) return join(root, '.doc-snippets', slug, named);
  return join(root, '.doc-snippets', `${slug}-L${snippet.fenceLine}.${snippet.language}`);
}

/** Resolves a relative import without an extension between `file=` snippets (as bundlers do). */
function resolveBetweenSnippets(files: ReadonlyMap<string, string>, specifier: string, importer: string): ts.ResolvedModuleFull | undefined {
  if (!specifier.startsWith('.') || !importer.includes('.doc-snippets')) return undefined;
  for (const extension of ['.tsx', '.ts']) {
    const candidate = join(dirname(importer), specifier + extension);
    if (files.has(candidate)) return { resolvedFileName: candidate, extension: extension === '.tsx' ? ts.Extension.Tsx : ts.Extension.Ts };
  }
  return undefined;
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths: {
      yracer: [join(root, 'src/index.ts')],
      'yracer/react': [join(root, 'src/react/index.ts')],
      'yracer/server': [join(root, 'src/server/index.ts')],
      'yracer/devtools': [join(root, 'src/devtools/index.ts')],
    },
  };
}

/**
 * Type-checks every snippet that is not `skip` and returns the problems of
 * each: a type error on a line not marked `compile error`, or a marked line
 * without one. Each problem names the Markdown file and line.
 */
export function checkSnippets(root: string, snippets: readonly DocSnippet[]): SnippetProblems[] {
  const options = compilerOptions(root);
  const checked = snippets.filter((snippet) => !snippet.flags.has('skip'));
  const files = new Map<string, string>();
  const preludeName = join(root, '.doc-snippets', 'prelude.d.ts');
  files.set(preludeName, SNIPPET_PRELUDE);
  for (const snippet of checked) files.set(virtualName(root, snippet), `${snippet.code}\nexport {};\n`);

  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, languageVersion, onError, shouldCreate) : ts.createSourceFile(name, text, languageVersion, true);
  };
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const cache = ts.createModuleResolutionCache(root, (name) => name, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, containingSourceFile) =>
    literals.map((literal) => {
      const between = resolveBetweenSnippets(files, literal.text, containingFile);
      if (between) return { resolvedModule: between };
      const mode = ts.getModeForUsageLocation(containingSourceFile, literal, compilerOptions);
      return ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, cache, redirected, mode);
    });

  const shared = checked.filter((snippet) => !snippet.flags.has('isolated'));
  const main = ts.createProgram({ rootNames: [preludeName, ...shared.map((s) => virtualName(root, s))], options, host });
  const results = shared.map((snippet) => problemsOf(main, root, snippet));
  for (const snippet of checked.filter((s) => s.flags.has('isolated'))) {
    const own = ts.createProgram({ rootNames: [preludeName, virtualName(root, snippet)], options, host, oldProgram: main });
    results.push(problemsOf(own, root, snippet));
  }
  return results;
}

function problemsOf(program: ts.Program, root: string, snippet: DocSnippet): SnippetProblems {
  const file = program.getSourceFile(virtualName(root, snippet));
  if (!file) return { snippet, problems: [`${snippetLocation(snippet)}: the snippet was not compiled`] };
  const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  const problems = new Set<string>();
  const errorLines = new Set<number>();
  for (const diagnostic of diagnostics) {
    const line = diagnostic.start === undefined ? 0 : file.getLineAndCharacterOfPosition(diagnostic.start).line + 1;
    errorLines.add(line);
    if (snippet.expectedErrorLines.includes(line)) continue;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
    const source = snippet.code.split('\n')[line - 1]?.trim() ?? '';
    problems.add(`${snippetLocation(snippet, line)}: TS${diagnostic.code} ${message}\n    in: ${source}`);
  }
  for (const line of snippet.expectedErrorLines) {
    if (!errorLines.has(line)) {
      problems.add(`${snippetLocation(snippet, line)}: marked "compile error" but it type-checks`);
    }
  }
  return { snippet, problems: [...problems] };
}
