/**
 * Fixtures for server tests (on top of sync-fixtures.ts): a Storage wrapper
 * that records calls and can hold loads back, one that counts query rows, reading a stored document,
 * building frames, raw sockets with `ws` options, HTTP upgrade probes, and
 * cleanup of everything a test opened.
 */
import { request as httpRequest } from 'node:http';
import { afterEach } from 'vitest';
import type { ClientOptions, WebSocket } from 'ws';
import * as Y from 'yjs';
import type { Model } from '../../src/index.ts';
import { documentValue } from '../../src/model/paths/document-value.ts';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { pingMessage } from '../../src/protocol/ping-message.ts';
import { subscribeMessage } from '../../src/protocol/subscribe-message.ts';
import { updatePayload } from '../../src/protocol/sync-payload.ts';
import { memoryStorage, type Storage, type StorageKey, type StoredDocument } from '../../src/server/index.ts';
import { rawSocket, waitFor, type RawSocket, type TestServer } from './sync-fixtures.ts';

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve and reject functions. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/** Creates a deferred promise. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** `collection/id` of a storage key. */
export const keyName = (key: StorageKey): string => `${key.collection}/${key.id}`;

/** The storage key of `collection/id`. */
export function storageKey(name: string): StorageKey {
  const slash = name.indexOf('/');
  return { collection: name.slice(0, slash), id: name.slice(slash + 1) };
}

/** One recorded storage call. */
export interface StorageCall {
  readonly method: 'load' | 'append' | 'compact' | 'saveJson' | 'loadJson' | 'close';
  /** `collection/id`, or '' for close. */
  readonly doc: string;
  /** append: the version it returned; compact: the version it compacts through. */
  seq?: number;
  /** saveJson: the JSON written. */
  readonly json?: string | null;
  /** When the call started (Date.now()). */
  readonly at: number;
  /** compact, saveJson: true once the wrapped storage finished it. */
  done?: boolean;
}

/** Options of `recordingStorage`. */
export interface RecordingOptions {
  /** Awaited at the start of each load (hold a load back). */
  readonly beforeLoad?: (key: StorageKey) => Promise<void> | void;
  /** Awaited at the start of each append. */
  readonly beforeAppend?: (key: StorageKey) => Promise<void> | void;
  /** Awaited at the start of each compact. */
  readonly beforeCompact?: (key: StorageKey) => Promise<void> | void;
  /** Leave the wrapped storage open on close (so a test can still read it). */
  readonly keepOpen?: boolean;
}

/** A storage that records its calls (and can delay them). */
export interface RecordingStorage extends Storage {
  readonly inner: Storage;
  readonly calls: StorageCall[];
  /** The calls of one method (for one document when given). */
  callsOf(method: StorageCall['method'], doc?: string): StorageCall[];
  /** The calls of one method that the wrapped storage finished (compact, saveJson). */
  doneOf(method: 'compact' | 'saveJson', doc?: string): StorageCall[];
}

/** Wraps a storage (memory storage by default) to record its calls. */
export function recordingStorage(inner: Storage = memoryStorage(), options: RecordingOptions = {}): RecordingStorage {
  const calls: StorageCall[] = [];
  const record = (method: StorageCall['method'], key: StorageKey | null, extra: Partial<StorageCall> = {}): StorageCall => {
    const call: StorageCall = { method, doc: key ? keyName(key) : '', at: Date.now(), ...extra };
    calls.push(call);
    return call;
  };
  return {
    inner,
    calls,
    callsOf: (method, doc) => calls.filter((c) => c.method === method && (doc === undefined || c.doc === doc)),
    doneOf: (method, doc) => calls.filter((c) => c.method === method && c.done === true && (doc === undefined || c.doc === doc)),
    async load(key) {
      record('load', key);
      await options.beforeLoad?.(key);
      return inner.load(key);
    },
    async append(key, updates, appendOptions) {
      const call = record('append', key);
      await options.beforeAppend?.(key);
      const seq = await inner.append(key, updates, appendOptions);
      call.seq = seq;
      return seq;
    },
    async compact(key, state, throughSeq) {
      const call = record('compact', key, { seq: throughSeq });
      await options.beforeCompact?.(key);
      await inner.compact(key, state, throughSeq);
      call.done = true;
    },
    async saveJson(key, json, throughSeq) {
      const call = record('saveJson', key, { json });
      await inner.saveJson(key, json, throughSeq);
      call.done = true;
    },
    readSince: (key, version) => inner.readSince(key, version),
    heads: (keys) => inner.heads(keys),
    staleJson: () => inner.staleJson(),
    loadJson(key) {
      record('loadJson', key);
      return inner.loadJson(key);
    },
    query: (collection, expression, queryOptions) => inner.query(collection, expression, queryOptions),
    ...(inner.documentsAfter ? { documentsAfter: inner.documentsAfter.bind(inner) } : {}),
    async close() {
      record('close', null);
      if (!options.keepOpen) await inner.close();
    },
  };
}

/** What a storage's queries returned (see `countingStorage`). */
export interface QueryStats {
  /** Queries started (counted when called). */
  calls: number;
  /** Rows (ids with their JSON) returned, over every call. */
  rows: number;
  /** Most rows one call returned. */
  largest: number;
}

/** A storage that forwards every call to `inner`, but for the methods given in `overrides`. */
export function wrapStorage(inner: Storage, overrides: Partial<Storage> = {}): Storage {
  return {
    load: (key) => inner.load(key),
    append: (key, updates, options) => inner.append(key, updates, options),
    readSince: (key, version) => inner.readSince(key, version),
    heads: (keys) => inner.heads(keys),
    compact: (key, state, through) => inner.compact(key, state, through),
    saveJson: (key, json, through) => inner.saveJson(key, json, through),
    staleJson: () => inner.staleJson(),
    loadJson: (key) => inner.loadJson(key),
    query: (collection, expression, options) => inner.query(collection, expression, options),
    close: () => inner.close(),
    ...overrides,
  };
}

/** Wraps a storage (memory storage by default) to count the rows its queries return. */
export function countingStorage(inner: Storage = memoryStorage()): { storage: Storage; stats: QueryStats } {
  const stats: QueryStats = { calls: 0, rows: 0, largest: 0 };
  const storage: Storage = wrapStorage(inner, {
    async query(collection, expression, options) {
      stats.calls += 1;
      const result = await inner.query(collection, expression, options);
      stats.rows += result.ids.length;
      stats.largest = Math.max(stats.largest, result.ids.length);
      return result;
    },
  });
  return { storage, stats };
}

/** A document as storage has it: the raw stored parts, a Y.Doc built from them, and its JSON value. */
export interface LoadedDoc {
  readonly stored: StoredDocument;
  readonly doc: Y.Doc;
  /** The document's value as the model reads it (undefined when it does not exist). */
  readonly value: unknown;
  /** True when storage holds nothing for it. */
  readonly empty: boolean;
}

/** Loads `collection/id` from storage and applies what is stored to a fresh Y.Doc. */
export async function loadStored(storage: Storage, name: string): Promise<LoadedDoc> {
  const stored = await storage.load(storageKey(name));
  const doc = new Y.Doc();
  if (stored.state) Y.applyUpdate(doc, stored.state);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  const empty = stored.state === null && stored.updates.length === 0;
  return { stored, doc, value: documentValue(doc), empty };
}

/** The JSON value of a Yjs update applied to a fresh document. */
export function updateValue(update: Uint8Array): unknown {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return documentValue(doc);
}

/** An update that sets fields of a document's root map `data` (as the model stores fields). */
export function fieldsUpdate(fields: Record<string, unknown>, doc: Y.Doc = new Y.Doc()): Uint8Array {
  const before = Y.encodeStateVector(doc);
  const data = doc.getMap('data');
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) data.set(key, value);
  });
  return Y.encodeStateAsUpdate(doc, before);
}

/** The state vector of an empty document. */
export const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

/** A `subscribe` frame (mode 0 subscribes, 1 fetches). */
export const subscribeFrame = (request: number, doc: string, mode = 0, stateVector = EMPTY_STATE_VECTOR): Uint8Array =>
  subscribeMessage.encode({ request, doc, mode, stateVector });

/** A `doc` frame carrying an update. */
export const updateFrame = (doc: string, seq: number, update: Uint8Array): Uint8Array =>
  docMessage.encode({ doc, seq, payload: updatePayload(update) });

/** Opens a raw WebSocket with `ws` client options (headers, autoPong); records frames like `rawSocket`. */
export const rawSocketWith = (base: string, path: string, options: ClientOptions = {}): Promise<RawSocket> =>
  rawSocket(base, path, options);

/** Sends a WebSocket upgrade request to `path` and resolves with the HTTP status of the answer (101 when accepted). */
export function upgradeStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer to the upgrade of ${path}`));
    }, 3000);
    req.on('upgrade', (_response, socket) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(101);
    });
    req.on('response', (response) => {
      clearTimeout(timer);
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

/** Closes what a test opened, in reverse order, after each test. */
export class Resources {
  readonly #closers: Array<() => unknown> = [];

  /** Registers a close function. */
  defer(close: () => unknown): void {
    this.#closers.push(close);
  }

  /** Closes the server after the test. */
  server<T extends TestServer>(test: T): T {
    this.defer(() => test.server.close());
    return test;
  }

  /** Closes the model after the test. */
  model<T extends Model>(model: T): T {
    this.defer(() => model.close());
    return model;
  }

  /** Terminates the raw socket after the test. */
  socket<T extends { readonly ws: WebSocket }>(socket: T): T {
    this.defer(() => socket.ws.terminate());
    return socket;
  }

  /** Runs every close function (last registered first). */
  async closeAll(): Promise<void> {
    const closers = this.#closers.splice(0).reverse();
    for (const close of closers) {
      try {
        await close();
      } catch {
        // already closed
      }
    }
  }
}

/** Resources closed by an `afterEach` of the calling test file. */
export function useResources(): Resources {
  const resources = new Resources();
  afterEach(() => resources.closeAll());
  return resources;
}

/** The log lines written since `from` (an index into `logs`). */
export const logsSince = (logs: readonly string[], from: number): string[] => logs.slice(from);

/** Records unhandled promise rejections until `stop()` (a server must not leave any behind). */
export function captureUnhandledRejections(): { readonly errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const listener = (reason: unknown): void => {
    errors.push(reason);
  };
  process.on('unhandledRejection', listener);
  return { errors, stop: () => process.off('unhandledRejection', listener) };
}

/** Resolves like `promise`, or rejects after `ms` (so a test fails instead of hanging). */
export function within<T>(promise: Promise<T>, ms = 3000, what = 'a promise'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends a ping on a multiplexed raw socket and waits for its pong. The
 * server handles a connection's messages one after the other, so the pong
 * means it has handled everything this socket sent before, and everything it
 * sent this socket before has arrived: a test asserting that something did
 * NOT happen waits on this instead of a fixed delay. (Not while a message of
 * this socket waits on storage: the ping waits behind it.)
 */
export async function roundTrip(socket: RawSocket, timeoutMs = 5000): Promise<void> {
  const pongs = (): number => socket.messages.filter((m) => m.kind === MessageKind.Pong).length;
  const before = pongs();
  socket.send(pingMessage.encode({}));
  await waitFor(() => pongs() > before, timeoutMs, 'the pong');
}

/** A socket's messages other than pongs (see `roundTrip`). */
export const withoutPongs = (socket: RawSocket) => socket.messages.filter((m) => m.kind !== MessageKind.Pong);

/** The close code and reason of a raw socket, within `ms`. */
export const closedWithin = (socket: RawSocket, ms = 3000): Promise<{ code: number; reason: string }> =>
  within(socket.closed, ms, 'the socket to close');

/** Polls an async check until it returns true, or fails after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
