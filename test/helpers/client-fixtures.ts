/**
 * Fixtures for the client, storage and durability tests: temporary
 * directories, servers on a fixed port (to restart them where clients expect
 * them), a Storage wrapper whose appends can be held back or made to fail,
 * the `yracer serve` CLI as a child process, and connection-state recording.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { ConnectionState, CreateModelOptions, Model } from '../../src/index.ts';
import { decodeFrame, type Message } from '../../src/protocol/frame.ts';
import type { QueryExpression } from '../../src/query/query-expression.ts';
import { createServer, memoryStorage, type ServerOptions, type Storage, type StorageKey, type StoredDocument } from '../../src/server/index.ts';
import type { AppendOptions, StorageQueryOptions, StoredQueryResult, StoredUpdates } from '../../src/storage/storage.ts';
import { wrapStorage } from './server-fixtures.ts';
import { client, startServer, waitFor, type TestServer } from './sync-fixtures.ts';

/** The repository root. */
// From import.meta.dirname: under jsdom, import.meta.url is not a file: URL.
export const ROOT = resolve(import.meta.dirname, '../..');

/** A fresh temporary directory; `remove()` deletes it. */
export function tempDir(prefix = 'yracer-test-'): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts a server on 127.0.0.1 at a given port (memory storage unless given), logging into `logs`. */
export async function startServerOn(port: number, options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const storage = options.storage ?? memoryStorage();
  const server = createServer({ log: (level, message) => logs.push(`${level}: ${message}`), ...options, storage });
  const listening = await server.listen({ port });
  return { server, url: listening.url, port: listening.port, storage, logs };
}

/** A storage whose `close()` does nothing, so a restarted server can use the same (memory) data. */
export function reusable(inner: Storage): Storage {
  return wrapStorage(inner, { close: async () => undefined });
}

/** Holds storage calls back: while held, every gated call waits until `release()`. */
export class Gate {
  /** Calls waiting at the gate now. */
  waiting = 0;
  #gate: Promise<void> | null = null;
  #open: (() => void) | null = null;

  hold(): void {
    if (this.#gate) return;
    this.#gate = new Promise<void>((resolve) => (this.#open = resolve));
  }

  release(): void {
    const open = this.#open;
    this.#gate = null;
    this.#open = null;
    open?.();
  }

  /** Waits while the gate is held (for `recordingStorage({ beforeLoad })`, `beforeAppend`, or a wrapper's own calls). */
  readonly pass = async (): Promise<void> => {
    const gate = this.#gate;
    if (!gate) return;
    this.waiting += 1;
    await gate;
    this.waiting -= 1;
  };
}

/**
 * A Storage wrapper for observing acknowledgements: `hold()` makes appends
 * wait until `release()`, `failAppends(n)` makes the next `n` appends reject.
 */
export class GatedStorage implements Storage {
  readonly inner: Storage;
  /** Appends started (including held and failed ones). */
  appends = 0;
  readonly #gate = new Gate();
  #failures = 0;

  constructor(inner: Storage = memoryStorage()) {
    this.inner = inner;
  }

  /** Appends waiting at the gate now. */
  get held(): number {
    return this.#gate.waiting;
  }

  /** Holds back every append from now on until `release()`. */
  hold(): void {
    this.#gate.hold();
  }

  /** Lets held appends (and later ones) through. */
  release(): void {
    this.#gate.release();
  }

  /** Makes the next `count` appends reject. */
  failAppends(count = 1): void {
    this.#failures = count;
  }

  load(key: StorageKey): Promise<StoredDocument> {
    return this.inner.load(key);
  }

  async append(key: StorageKey, updates: readonly Uint8Array[], options?: AppendOptions): Promise<number> {
    this.appends += 1;
    await this.#gate.pass();
    if (this.#failures > 0) {
      this.#failures -= 1;
      throw new Error('disk full (test storage)');
    }
    return this.inner.append(key, updates, options);
  }

  readSince(key: StorageKey, version: number): Promise<StoredUpdates> {
    return this.inner.readSince(key, version);
  }

  heads(keys: readonly StorageKey[]): Promise<number[]> {
    return this.inner.heads(keys);
  }

  compact(key: StorageKey, state: Uint8Array, through: number): Promise<void> {
    return this.inner.compact(key, state, through);
  }

  saveJson(key: StorageKey, json: string | null, version?: number): Promise<void> {
    return this.inner.saveJson(key, json, version);
  }

  staleJson(): Promise<StorageKey[]> {
    return this.inner.staleJson();
  }

  loadJson(key: StorageKey): Promise<string | null> {
    return this.inner.loadJson(key);
  }

  query(collection: string, expression: QueryExpression, options?: StorageQueryOptions): Promise<StoredQueryResult> {
    return this.inner.query(collection, expression, options);
  }

  close(): Promise<void> {
    this.release();
    return this.inner.close();
  }
}

/** A `yracer serve` child process. */
export interface CliServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** Resolves with how the process ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed so far (stdout and stderr). */
  output(): string;
}

/** Runs `node bin/yracer.mjs serve --port <port> --db <db>` and waits for its URL. Needs `dist/` (npm run build). */
export async function spawnCli(db: string, port = 0, timeoutMs = 15_000): Promise<CliServer> {
  if (!existsSync(join(ROOT, 'dist/server/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const child = spawn(process.execPath, ['bin/yracer.mjs', 'serve', '--port', String(port), '--db', db], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`yracer serve printed no URL within ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    const check = (): void => {
      const match = /yracer listening on (ws:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`yracer serve exited (${code ?? signal}) before listening: ${out}`));
    });
  });
  return { child, pid: child.pid as number, url, exited, output: () => out };
}

/** Records every connection state a model goes through, with the time it was entered. */
export function recordStates(model: Model): { readonly states: Array<{ state: ConnectionState; at: number }>; stop(): void } {
  const states: Array<{ state: ConnectionState; at: number }> = [];
  const stop = model.connection.on((state) => states.push({ state, at: Date.now() }));
  return { states, stop: () => void stop() };
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closes a model. Closing one whose socket is still connecting raises an uncaught `ws` error (a finding
 * with its own test in test/client/connection.test.ts), so this waits for the handshake to end first.
 */
export async function closeModel(model: Model): Promise<void> {
  await waitFor(() => model.connection.state !== 'connecting', 2000).catch(() => undefined);
  model.close();
}

/** What a test opened (models, servers, anything else), closed in reverse order by `closeAll()`. */
export class Opened {
  readonly #closers: Array<() => unknown> = [];

  /** Registers a model; returns it. */
  model<T extends Model>(model: T): T {
    this.#closers.push(() => closeModel(model));
    return model;
  }

  /** Registers a server; returns it. */
  server<T extends TestServer>(server: T): T {
    this.#closers.push(() => server.server.close());
    return server;
  }

  /** Registers any clean-up step. */
  defer(close: () => unknown): void {
    this.#closers.push(close);
  }

  /** Starts a test server (closed by `closeAll`). */
  readonly serve = async (options: Partial<ServerOptions> = {}): Promise<TestServer> => this.server(await startServer(options));

  /** A server whose storage appends can be held back; released before anything closes (a held append blocks the server's close). */
  readonly gatedServer = async (): Promise<{ url: string; storage: GatedStorage }> => {
    const storage = new GatedStorage();
    const { url } = await this.serve({ storage });
    this.defer(() => storage.release());
    return { url, storage };
  };

  /** A client model of `url` (closed by `closeAll`). */
  readonly connect = (url: string, options: CreateModelOptions = {}): Model => this.model(client(url, options));

  /** Closes everything registered, newest first; errors of one step do not stop the others. */
  async closeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const close of this.#closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

/** A message a fake server received, with the number of the connection it came on (0 for the first). */
export interface Received {
  readonly connection: number;
  readonly message: Message;
}

/**
 * A scripted stand-in for a yracer server on 127.0.0.1 (port 0): it accepts
 * connections, records every decoded frame and answers nothing unless told,
 * so tests see exactly what the client sends and control what it gets.
 */
export class FakeServer {
  readonly received: Received[] = [];
  readonly sockets: ServerSocket[] = [];
  readonly #wss: WebSocketServer;
  readonly url: string;

  private constructor(wss: WebSocketServer, url: string) {
    this.#wss = wss;
    this.url = url;
    wss.on('connection', (socket) => {
      const connection = this.sockets.length;
      this.sockets.push(socket);
      socket.on('message', (data: Buffer) => {
        try {
          this.received.push({ connection, message: decodeFrame(new Uint8Array(data)) });
        } catch {
          // not a frame of the protocol: ignored
        }
      });
    });
  }

  /** Starts a fake server. */
  static async start(): Promise<FakeServer> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    const address = wss.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new FakeServer(wss, `ws://127.0.0.1:${port}/`);
  }

  /** The messages received so far, optionally only of one connection. */
  messages(connection?: number): Message[] {
    return this.received.filter((r) => connection === undefined || r.connection === connection).map((r) => r.message);
  }

  /** Sends a frame on the newest connection. */
  send(frame: Uint8Array): void {
    this.sockets[this.sockets.length - 1]?.send(frame);
  }

  /** Cuts every open connection without a closing handshake. */
  dropAll(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
