/**
 * Bench processes talking to each other: `within` (a timeout for a promise)
 * and `BenchChild`, a TypeScript script in a child process (run through tsx)
 * that prints one JSON line when it listens and then answers one line per
 * command it reads on stdin. The sync, query and offline benches run their
 * servers this way.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Rejects after `ms` unless `promise` settled first. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Options of `runScriptForResult`. */
export interface ScriptRunOptions {
  /** What the script is, for error messages. */
  readonly what: string;
  readonly timeoutMs: number;
  /** The signal that stops the script when it times out (default SIGTERM). */
  readonly killSignal?: NodeJS.Signals;
  /** Passed to `JSON.parse` for the result line. */
  readonly reviver?: (key: string, value: unknown) => unknown;
}

/**
 * Runs a TypeScript bench script (through tsx, with `--expose-gc`) in a
 * child process to its end and parses the last line it printed as JSON: its
 * result. Rejects when it exits with another code than 0, or stops it
 * (`killSignal`) and rejects when it runs longer than `timeoutMs`.
 */
export async function runScriptForResult<T>(script: string, args: readonly string[], options: ScriptRunOptions): Promise<T> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await within(
    new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    }),
    options.timeoutMs,
    options.what,
  ).catch((error: unknown) => {
    child.kill(options.killSignal ?? 'SIGTERM');
    throw error;
  });
  if (code !== 0) throw new Error(`${options.what} exited with ${String(code)}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '', options.reviver) as T;
}

/** Waits `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An answer line, with when it arrived (`performance.now()`). */
export interface Answer {
  readonly line: string;
  readonly at: number;
}

/** A bench script in a child process, spoken to line by line. */
export class BenchChild {
  /** What the script printed first (its JSON "started" line, parsed). */
  readonly started: unknown;
  readonly #label: string;
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #lines: Interface;
  readonly #waiting: Array<(answer: Answer) => void> = [];
  #exited = false;

  private constructor(label: string, child: ChildProcessByStdio<Writable, Readable, null>, lines: Interface, started: unknown) {
    this.#label = label;
    this.#child = child;
    this.#lines = lines;
    this.started = started;
    lines.on('line', (line) => this.#waiting.shift()?.({ line, at: performance.now() }));
    child.once('exit', () => {
      this.#exited = true;
      for (const waiter of this.#waiting.splice(0)) waiter({ line: '{"error":"the process exited"}', at: performance.now() });
    });
  }

  /** Starts `script` (a path) with `args` and waits (30 s at most) for its first line. */
  static async start(label: string, script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<BenchChild> {
    // YRACER_BENCH_PROFILE=<dir>: every child writes a CPU profile there (node --cpu-prof), to see where a row's time goes.
    const profile = process.env['YRACER_BENCH_PROFILE'];
    const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
    const child = spawn(process.execPath, [...profiling, ...nodeArgs, '--import', 'tsx', script, ...args], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const first = new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`${label} exited (${String(code)}) before listening`)));
      child.once('error', reject);
    });
    try {
      return new BenchChild(label, child, lines, JSON.parse(await within(first, 30_000, `${label} to start`)) as unknown);
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  /** Sends a command and resolves with the next answer line (answers come in command order). */
  ask(command: string): Promise<Answer> {
    if (this.#exited) return Promise.reject(new Error(`${this.#label} has exited`));
    const answer = new Promise<Answer>((resolve) => this.#waiting.push(resolve));
    this.#child.stdin.write(`${command}\n`);
    return answer;
  }

  /** Sends a command and parses its answer (an answer with `error` rejects), within `timeoutMs`. */
  async command<T extends { readonly error?: string }>(command: string, timeoutMs = 20_000): Promise<T> {
    const { line } = await within(this.ask(command), timeoutMs, `${this.#label}: ${command}`);
    const parsed = JSON.parse(line) as T;
    if (parsed.error) throw new Error(`${this.#label}: ${command}: ${parsed.error}`);
    return parsed;
  }

  /** Says `close`, ends its stdin and waits for it to exit (killing it after 10 s). */
  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin.write('close\n');
    this.#child.stdin.end();
    try {
      await within(exited, 10_000, `${this.#label} to exit`);
    } catch {
      this.#child.kill('SIGKILL');
      await exited;
    }
    this.#lines.close();
  }
}

/**
 * The child's side: handles each line read on stdin with `handle`, one at a
 * time in order (a failure is answered with `fail(error)`), and when the
 * parent goes away (stdin closes) waits for what runs, then `close()` and exit.
 */
export function serveCommands(handle: (command: string) => Promise<void>, fail: (error: unknown) => void, close: () => Promise<void>): void {
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    queue = queue.then(() => handle(line.trim())).catch(fail);
  });
  lines.on('close', () => {
    void queue.then(close).finally(() => process.exit(0));
  });
}
