/**
 * The port through which a sync client plugs into a model. The model layer
 * defines it (and works without it: a local model); `src/client` implements
 * it over a WebSocket. Keeping the interface here keeps `src/model` free of
 * sockets and protocols.
 */
import type { QueryExpression } from '../../query/query-expression.ts';
import type { DocEntry } from './doc-entry.ts';
import type { Presence } from '../presence/presence.ts';
import type { WriteCallback } from '../mutations/write-callback.ts';

/** A document named by collection and id. */
export interface DocRef {
  readonly collection: string;
  readonly id: string;
}

/** The state of the model's connection to its server. */
export type ConnectionState = 'connecting' | 'online' | 'offline';

/** The connection as the model exposes it (`model.connection`). */
export interface ConnectionStatus {
  /** `connecting`, `online` or `offline` (a local model is always `offline`). */
  readonly state: ConnectionState;
  /** The server URL, or null for a local model. */
  readonly url: string | null;
  /** Why the connection stopped for good (for example `unauthorized`), or null. */
  readonly error: string | null;
  /** When every local change was last stored by the server (ms since the epoch), or null. */
  readonly lastSyncedAt: number | null;
  /** Calls `listener` with each new state; returns a function that stops it. */
  on(listener: (state: ConnectionState) => void): () => void;
  /**
   * Calls `listener` (without arguments, at most once per microtask) whenever
   * the state, the error, `lastSyncedAt` or which documents have pending
   * writes changed; returns a function that stops it. For UI bindings.
   */
  watch(listener: () => void): () => void;
}

/** How documents are held: live (`subscribe`) or loaded once (`fetch`). */
export type HoldMode = 'subscribe' | 'fetch';

/** The documents a sync port holds, by mode. */
export interface Holdings {
  readonly subscribe: readonly DocRef[];
  readonly fetch: readonly DocRef[];
}

/** A document held with reference counts, as sync ports track them. */
export interface CountedHold {
  readonly ref: DocRef;
  readonly subscribes: number;
  readonly fetches: number;
}

/** Sorts counted holds into `Holdings`: subscribed ones first, then ones only fetched. */
export function holdingsOf(holds: Iterable<CountedHold>): Holdings {
  const subscribe: DocRef[] = [];
  const fetch: DocRef[] = [];
  for (const hold of holds) {
    if (hold.subscribes > 0) subscribe.push(hold.ref);
    else if (hold.fetches > 0) fetch.push(hold.ref);
  }
  return { subscribe, fetch };
}

/** A query a sync port runs on its server. */
export interface ServerQuerySpec {
  readonly collection: string;
  readonly expression: QueryExpression;
  /** `subscribe`: live (results follow changes); `fetch`: answered once. */
  readonly mode: HoldMode;
}

/** Hears a server query. */
export interface ServerQueryHandler {
  /** The server's result (ids in order, count); its documents are in the model when this is called. */
  result(ids: readonly string[], count: number): void;
  /**
   * The port loaded the documents of this query's last stored result (an
   * offline store): the local result can be shown without waiting for the
   * server, which still answers later with `result`.
   */
  cached?(): void;
  /** The server refused or failed the query. */
  error(error: Error): void;
}

/** A query running on the server; `close` stops it and releases the documents it held. */
export interface ServerQuery {
  close(): void;
}

/** What a sync client provides to its model. */
/** One WebSocket frame the client sent or received, as devtools show it. */
export interface FrameRecord {
  /** `in`: received from the server; `out`: sent to it. */
  readonly direction: 'in' | 'out';
  /** The frame's protocol message kind number (its first varint: see docs/protocol.md). */
  readonly kind: number;
  /** The frame's size in bytes. */
  readonly bytes: number;
  /** When (ms since the epoch). */
  readonly at: number;
}

export interface SyncPort {
  readonly connection: ConnectionStatus;
  /** Calls `observer` for every frame sent or received from now on (devtools); returns a function that stops it. */
  observeFrames?(observer: (frame: FrameRecord) => void): () => void;
  /** A synced document entered the model: forward its local changes. */
  attach(entry: DocEntry): void;
  /** A synced document left the model. */
  detach(entry: DocEntry): void;
  /** A marker taken before a write's transaction, handed back to `settleWrite`. */
  markWrite(entry: DocEntry): number;
  /** Calls back once what the write changed is stored by the server (at once when it changed nothing). */
  settleWrite(entry: DocEntry, marker: number, callback: WriteCallback): void;
  /** Holds documents (reference counted); resolves once the server has sent them. */
  hold(refs: readonly DocRef[], mode: HoldMode): Promise<void>;
  /** Releases documents held with `hold`; each leaves after the unload delay once nothing holds it. */
  release(refs: readonly DocRef[], mode: HoldMode): Promise<void>;
  /** Releases everything held. */
  releaseAll(): Promise<void>;
  /**
   * Runs a query on the server. The port holds the result documents (in the
   * query's mode) while the query runs, follows the server's changes when
   * subscribed, runs it again after a reconnect, and reports each result.
   */
  openQuery(spec: ServerQuerySpec, handler: ServerQueryHandler): ServerQuery;
  /**
   * Asks the server for a document's history (docs/history.md): its
   * checkpoints (`checkpoint` 0) or its value at one, as the answer's JSON
   * text; rejects with the server's error (`forbidden`, `bad-checkpoint`,
   * `history-off`). Both the client's and in-process models' ports have it.
   */
  requestHistory?(ref: DocRef, checkpoint: number): Promise<string>;
  /** Resolves once every local change is stored by the server (rejects if one was refused). */
  whenNothingPending(): Promise<void>;
  /** Resolves once every local change made so far is committed to the offline store (at once without one). */
  whenStoredOffline(): Promise<void>;
  /** True while a local change (of one document, when given) is not yet acknowledged. */
  hasPending(doc?: DocRef): boolean;
  /** How many documents have a local change not yet acknowledged. */
  pendingCount(): number;
  /** The documents held, by mode (a document both subscribed and fetched is listed as subscribed). */
  holdings(): Holdings;
  /**
   * The presence of a document, reaching the other clients (called once per
   * document; the model caches it). Without it the model's presence is local.
   */
  openPresence?(ref: DocRef): Presence;
  /** Opens the connection of a model created with `connect: false` (nothing when already open). */
  connect(): void;
  /** Closes the connection for good. */
  close(): void;
}

/** The connection of a model without a server. */
export const LOCAL_CONNECTION: ConnectionStatus = Object.freeze({
  state: 'offline' as const,
  url: null,
  error: null,
  lastSyncedAt: null,
  on: () => () => undefined,
  watch: () => () => undefined,
});
