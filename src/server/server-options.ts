/**
 * Options of `createServer`, documented where they are declared, with their
 * defaults.
 */
import type { IncomingMessage } from 'node:http';
import type { SchemaMap } from '../schema/standard-schema.ts';
import { assertSchemaMap } from '../schema/validate-document.ts';
import { DEFAULT_MAX_FRAME_BYTES, DEFAULT_MESSAGE_BURST, DEFAULT_MESSAGES_PER_SECOND } from '../protocol/limits-message.ts';
import type { Fanout } from '../fanout/fanout.ts';
import type { Storage } from '../storage/storage.ts';
import type { Rules } from './access-rules.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';
import { resolveHistoryOptions, type HistoryOptions, type ResolvedHistoryOptions } from './history-options.ts';
import type { ChangeFeedOptions } from './change-feed.ts';
import { DEFAULT_MAX_PRESENCE_BYTES_PER_ROOM } from './room-presence.ts';

/** Options of `createServer`. */
export interface ServerOptions {
  /** Where documents are stored: `sqliteStorage(file)`, `memoryStorage()`, ... */
  readonly storage: Storage;
  /**
   * Carries changes between server processes that share `storage`
   * (`redisFanout(url)`; `memoryFanoutHub().connect()` inside one process).
   * With one, rooms announce what they store to the other processes and
   * read storage for anything they missed, live queries follow other
   * processes' writes, and checked writes are stored at the version they
   * were checked against (so two processes cannot each pass a check that
   * the merged result breaks). The server closes it when it closes.
   * Without one the server assumes it is storage's only writer.
   */
  readonly fanout?: Fanout;
  /**
   * With `fanout`: how often loaded documents are compared with storage (for
   * an announcement lost on the way) and collection heartbeats are sent, in
   * ms (default 1,000).
   */
  readonly fanoutPollMs?: number;
  /**
   * With `fanout`: how long a storage write that fails (the database
   * unreachable for a while) is tried again before the writer gets
   * `storage-failed`, in ms (default 30,000). Meanwhile the write is not
   * acknowledged, so the client keeps it pending.
   */
  readonly storageRetryMs?: number;
  /**
   * With `fanout`: how often stored JSON values left behind by a process
   * that stopped are looked for and rebuilt, in ms (default 2,000; a value is
   * rebuilt once it stayed behind for a whole period).
   */
  readonly jsonRepairMs?: number;
  /**
   * Called for every WebSocket connection at the upgrade (read a token from
   * `request.url`'s query or a header). Return a session to accept; throw or
   * reject to refuse: the socket closes with code 4401 and clients stop
   * reconnecting. Messages that arrive meanwhile are queued (up to
   * `maxQueuedBeforeAuth`).
   */
  readonly authenticate?: (request: IncomingMessage) => Session | Promise<Session>;
  /** Path of the multiplexed endpoint (default `/`); stock y-websocket clients use `<path>/<collection>/<docId>`. */
  readonly path?: string;
  /**
   * Largest frame accepted, in bytes (default 16 MiB). The server announces
   * it to yracer clients (`limits`), which refuse a larger write themselves
   * (`too-large`). A larger update is answered with `too-large` and nothing
   * of it is kept; any other larger frame closes the socket with 4413.
   */
  readonly maxFrameBytes?: number;
  /**
   * Most documents one connection may hold at once (default 10,000):
   * subscribed, or fetched, read or written without a subscription within
   * the last `unloadDelayMs` (the server keeps those loaded on its account).
   * More is refused with `too-many-subscriptions`.
   */
  readonly maxSubscriptions?: number;
  /** Most messages queued while authentication runs (default 1,024); more closes the socket with 4429. */
  readonly maxQueuedBeforeAuth?: number;
  /** Most bytes queued while authentication runs (default 1 MiB); more closes the socket with 4429. */
  readonly maxQueuedBytesBeforeAuth?: number;
  /** Most bytes waiting to be sent to one client (default 16 MiB); a client that reads slower is closed with 4408. */
  readonly maxBufferedBytes?: number;
  /**
   * Messages one connection may send per second, sustained (default 1,000);
   * a connection that sends faster once its `messageBurst` is used up is
   * closed with 4429, and nothing past the limit is handled. Infinity turns
   * the limit off. The server announces it (`limits`), and yracer clients
   * pace what they send to stay under it.
   */
  readonly maxMessagesPerSecond?: number;
  /**
   * Messages one connection may send at once, over `maxMessagesPerSecond`
   * (default 2,000). A yracer client re-subscribes everything it holds in a
   * few `subscribe-many` messages and paces its resent writes, so a
   * reconnect stays under it.
   */
  readonly messageBurst?: number;
  /** How long a document stays in memory after its last subscriber left, in ms (default 30,000). */
  readonly unloadDelayMs?: number;
  /** Interval of keep-alive pings and of dead-connection checks, in ms (default 15,000). */
  readonly keepAliveMs?: number;
  /** Compact a document's update log after this many updates (default 200). */
  readonly compactAfterUpdates?: number;
  /** ... or this long after the first update since the last compaction, in ms (default 30,000). */
  readonly compactAfterMs?: number;
  /**
   * Delay before a changed document's JSON value is written to storage, in
   * ms (default 1,000): a document changed many times a second is written
   * once. Queries never read a JSON value this delay holds back (live
   * queries save the JSON of the collection's loaded documents first, and
   * other processes' queries shorten it with `queryDelayMs`); a crash within
   * it leaves a JSON value behind, rebuilt when the server starts.
   */
  readonly jsonDelayMs?: number;
  /**
   * Most bytes of JSON (UTF-8) the presence states of one document may hold
   * together (default 1 MiB). A state that would take a document over it is
   * refused (not applied, not relayed: `too-large` for yracer clients, a log
   * line for stock ones), as is a single state over 65,536 characters of
   * JSON (the client's own limit) whatever this is.
   */
  readonly maxPresenceBytesPerRoom?: number;
  /**
   * Most live (subscribed) queries one connection may hold at once (default
   * 100); one more is answered with `too-many-queries` and the connection
   * keeps everything else. An in-process model with a session counts the
   * same way (its query gets an `error`). Fetches do not count. Why 100: a
   * screen shows a few dozen lists at most, while every live query costs the
   * server work on each change of its collection, and with read rules each
   * is the connection's own (not shared with other clients), so one client
   * must not be able to make the server hold thousands.
   */
  readonly maxQueries?: number;
  /** How long document changes are collected before the live queries they affect run again, in ms (default 5). */
  readonly queryDelayMs?: number;
  /** Where log lines go (default: `console`, with a `yracer` prefix). */
  readonly log?: ServerLog;
  /**
   * Who may read and write what, per collection (see `CollectionRules`).
   * With rules, a collection without rules (or a kind of access without its
   * rule) is denied. Without them everything is allowed, and the server
   * logs one warning when it starts. Rules apply to clients' connections
   * (multiplexed and stock y-websocket); in-process models skip them.
   */
  readonly rules?: Rules;
  /**
   * Validators per collection that follow the Standard Schema interface
   * (zod 4, valibot, arktype). The server validates a document after every
   * client update and refuses (stores and relays nothing of) an update that
   * makes it invalid.
   */
  readonly schema?: SchemaMap;
  /**
   * Document history (docs/history.md): checkpoints of each document's
   * value every `everyUpdates` updates or `everyMs`, the newest `keep`
   * kept, listed by `server.history()` and the `useHistory` hook and
   * restorable. Off by default (each checkpoint keeps a copy of the
   * document, and a deleted value stays in the history); `true` turns it
   * on with the defaults.
   */
  readonly history?: HistoryOptions | boolean;
  /**
   * Records every stored change in storage's change log, for
   * `server.changes(collection, { since })` (docs/changes.md): `true`, or
   * options (retention `keepMs`, default 7 days, and `keepRows` per
   * collection; `pruneEveryMs`; `pollMs` for other processes' changes).
   * Default false: `server.changes()` throws.
   */
  readonly changeFeed?: boolean | ChangeFeedOptions;
}

/** Options with every default filled in. */
export type ResolvedServerOptions = Required<Omit<ServerOptions, 'authenticate' | 'rules' | 'schema' | 'fanout' | 'history'>> & {
  /** Null when history is off. */
  readonly history: ResolvedHistoryOptions | null;
  readonly fanout: Fanout | undefined;
  readonly authenticate: ServerOptions['authenticate'] | undefined;
  readonly rules: Rules | undefined;
  readonly schema: SchemaMap | undefined;
};

const consoleLog: ServerLog = (level, message) => {
  const line = `yracer: ${message}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.info(line);
};

/** Fills in defaults and checks the options. */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  if (!options || typeof options.storage !== 'object' || options.storage === null) {
    throw new TypeError('yracer createServer(): options.storage is required (sqliteStorage(file) or memoryStorage())');
  }
  const path = options.path ?? '/';
  if (!path.startsWith('/')) throw new TypeError(`yracer createServer(): path must start with "/", got "${path}"`);
  if (options.rules !== undefined && (typeof options.rules !== 'object' || options.rules === null)) {
    throw new TypeError('yracer createServer(): rules must map collection names to { read, create, update, delete }');
  }
  if (options.schema !== undefined) assertSchemaMap(options.schema, 'yracer createServer()');
  return {
    storage: options.storage,
    fanout: options.fanout,
    fanoutPollMs: options.fanoutPollMs ?? 1000,
    jsonRepairMs: options.jsonRepairMs ?? 2000,
    storageRetryMs: options.storageRetryMs ?? 30_000,
    authenticate: options.authenticate,
    rules: options.rules,
    schema: options.schema,
    history: resolveHistoryOptions(options.history),
    path: path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path,
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    maxSubscriptions: options.maxSubscriptions ?? 10_000,
    maxQueuedBeforeAuth: options.maxQueuedBeforeAuth ?? 1024,
    maxQueuedBytesBeforeAuth: options.maxQueuedBytesBeforeAuth ?? 1024 * 1024,
    maxBufferedBytes: options.maxBufferedBytes ?? 16 * 1024 * 1024,
    maxMessagesPerSecond: options.maxMessagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND,
    messageBurst: options.messageBurst ?? DEFAULT_MESSAGE_BURST,
    unloadDelayMs: options.unloadDelayMs ?? 30_000,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    compactAfterUpdates: options.compactAfterUpdates ?? 200,
    compactAfterMs: options.compactAfterMs ?? 30_000,
    jsonDelayMs: options.jsonDelayMs ?? 1_000,
    maxPresenceBytesPerRoom: options.maxPresenceBytesPerRoom ?? DEFAULT_MAX_PRESENCE_BYTES_PER_ROOM,
    maxQueries: options.maxQueries ?? 100,
    queryDelayMs: options.queryDelayMs ?? 5,
    log: options.log ?? consoleLog,
    changeFeed: options.changeFeed ?? false,
  };
}
