/** Fixtures for sync tests: a server on a free loopback port, clients, raw sockets, and waiting. */
import { WebSocket, type ClientOptions } from 'ws';
import { createModel, type CreateModelOptions, type Model } from '../../src/index.ts';
import { decodeFrame, type Message } from '../../src/protocol/frame.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { createServer, memoryStorage, type ServerOptions, type Storage, type SyncServer } from '../../src/server/index.ts';

/** A running test server and what it logged. */
export interface TestServer {
  readonly server: SyncServer;
  readonly url: string;
  readonly port: number;
  readonly storage: Storage;
  /** Log lines, as `level: message`. */
  readonly logs: string[];
}

/** Starts a server on 127.0.0.1 and a free port (memory storage unless given). */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const storage = options.storage ?? memoryStorage();
  const server = createServer({ log: (level, message) => logs.push(`${level}: ${message}`), ...options, storage });
  const { url, port } = await server.listen({ port: 0 });
  return { server, url, port, storage, logs };
}

/** A model connected to `url` through the `ws` package, reconnecting quickly. */
export function client(url: string, options: CreateModelOptions = {}): Model {
  return createModel({ url, WebSocket: WebSocket as never, backoff: { baseMs: 20, maxMs: 200 }, ...options });
}

/** Waits until `check` returns true (polling), or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A raw WebSocket to the server that records decoded frames (for protocol-level tests). */
export interface RawSocket {
  readonly ws: WebSocket;
  readonly messages: Message[];
  /** Raw frames received (for stock y-websocket endpoints, where frames are not multiplexed messages). */
  readonly frames: Uint8Array[];
  /** The server's `limits` messages (kept apart: every multiplexed connection starts with one). */
  readonly limits: Message[];
  readonly closed: Promise<{ code: number; reason: string }>;
  send(frame: Uint8Array | string): void;
  /** Waits for a message matching the predicate. */
  next(match: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
}

/** Opens a raw WebSocket (path relative to the server, default the multiplexed endpoint; `ws` client options). */
export async function rawSocket(base: string, path = '', options: ClientOptions = {}): Promise<RawSocket> {
  const ws = new WebSocket(base.replace(/\/$/, '') + path, options);
  const messages: Message[] = [];
  const frames: Uint8Array[] = [];
  const limits: Message[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('message', (data: Buffer) => {
    const frame = new Uint8Array(data);
    let message: Message | null = null;
    try {
      message = decodeFrame(frame);
    } catch {
      // not a multiplexed frame (stock endpoint)
    }
    if (message?.kind === MessageKind.Limits) {
      limits.push(message);
      return;
    }
    frames.push(frame);
    if (message) messages.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);
  return {
    ws,
    messages,
    frames,
    limits,
    closed,
    send: (frame) => ws.send(frame),
    async next(match, timeoutMs = 5000) {
      let found: Message | undefined;
      await waitFor(() => (found = messages.find(match)) !== undefined, timeoutMs, 'a matching message');
      return found as Message;
    },
  };
}
