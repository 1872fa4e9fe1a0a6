/**
 * The queries a sync client runs on its server: sends `query` and `unquery`,
 * takes `query-result` and `query-diff` (loading the documents they carry),
 * holds each result document for as long as it is in a result (reference
 * counted with every other hold), and runs every query again after a
 * reconnect: the documents still held were re-subscribed just before with
 * their state vectors, so the server sends only what they lack.
 */
import type { DocRef, ServerQuery, ServerQueryHandler, ServerQuerySpec } from '../model/documents/sync-port.ts';
import { parseDocName } from '../protocol/doc-name.ts';
import { fromWireOps, type QueryDiffMessage } from '../protocol/query-diff-message.ts';
import { queryMessage } from '../protocol/query-message.ts';
import type { QueryResultMessage } from '../protocol/query-result-message.ts';
import { SubscribeMode } from '../protocol/subscribe-message.ts';
import { unqueryMessage } from '../protocol/unquery-message.ts';
import { applyIdOps } from '../query/id-diff.ts';
import type { DocumentHolds } from './document-holds.ts';
import { queryKey, type OfflineCache } from './offline-cache.ts';

/** What the queries need from the sync client. */
export interface QueryTransport {
  readonly holds: DocumentHolds;
  /** A new request id (shared with document requests). */
  nextRequest(): number;
  send(frame: Uint8Array): void;
  /** Tells the server to stop sending a document's updates. */
  unsubscribe(name: string): void;
  /** Loads a document's state sent by the server into the model (the entry exists). */
  load(ref: DocRef, update: Uint8Array): void;
  /** The offline store, if any: results are stored, and a stored one is shown until the server answers. */
  readonly offline?: OfflineCache | null;
}

interface RunningQuery {
  readonly spec: ServerQuerySpec;
  readonly text: string;
  readonly handler: ServerQueryHandler;
  request: number;
  /** The server's ids: each is held once for this query. */
  ids: readonly string[];
  /** The ids of the stored result, held (fetch mode, without a request) until the server answers. */
  cachedIds: readonly string[] | null;
  answered: boolean;
  closed: boolean;
}

/** The server queries of one sync client. */
export class ClientQueries {
  readonly #transport: QueryTransport;
  readonly #byRequest = new Map<number, RunningQuery>();

  constructor(transport: QueryTransport) {
    this.#transport = transport;
  }

  /** Starts a query (sent now when online, else on the next connect). */
  open(spec: ServerQuerySpec, handler: ServerQueryHandler): ServerQuery {
    const text = JSON.stringify(spec.expression);
    const query: RunningQuery = { spec, text, handler, request: 0, ids: [], cachedIds: null, answered: false, closed: false };
    this.#send(query);
    if (this.#transport.offline) void this.#loadStored(query, this.#transport.offline);
    return { close: () => this.#close(query) };
  }

  /** Holds the documents of the query's stored result and loads them from the offline store, until the server answers. */
  async #loadStored(query: RunningQuery, offline: OfflineCache): Promise<void> {
    const stored = await offline.loadQuery(queryKey(query.spec.collection, query.text));
    if (!stored || query.closed || query.answered) return;
    const { collection } = query.spec;
    query.cachedIds = stored.ids;
    // Documents held already are in the model (or on their way); the others load from the store now.
    const loading = stored.ids.filter((id) => this.#transport.holds.keep({ collection, id }));
    await Promise.all(loading.map((id) => new Promise((resolve) => offline.load({ collection, id }, resolve))));
    if (!query.closed && !query.answered) query.handler.cached?.();
  }

  /** Releases the holds of the stored result (the server's result holds its own documents now). */
  #dropCached(query: RunningQuery): void {
    const cached = query.cachedIds;
    if (!cached) return;
    query.cachedIds = null;
    for (const id of cached) this.#transport.holds.release({ collection: query.spec.collection, id }, 'fetch');
  }

  #send(query: RunningQuery): void {
    query.request = this.#transport.nextRequest();
    this.#byRequest.set(query.request, query);
    const mode = query.spec.mode === 'subscribe' ? SubscribeMode.Subscribe : SubscribeMode.Fetch;
    this.#transport.send(queryMessage.encode({ request: query.request, collection: query.spec.collection, mode, expression: query.text }));
  }

  #close(query: RunningQuery): void {
    if (query.closed) return;
    query.closed = true;
    if (this.#byRequest.get(query.request) === query) {
      this.#byRequest.delete(query.request);
      if (query.spec.mode === 'subscribe') this.#transport.send(unqueryMessage.encode({ request: query.request }));
    }
    const previous = new Set(query.ids);
    query.ids = [];
    this.#releaseAllBut(query, previous, new Set());
    this.#dropCached(query);
  }

  /** Handles `query-result`. */
  onResult(message: QueryResultMessage): void {
    const query = this.#byRequest.get(message.request);
    if (!query) return this.#unwanted(message.docs);
    // A fetch is answered once.
    if (query.spec.mode === 'fetch') this.#byRequest.delete(message.request);
    this.#apply(query, message.ids, message.count, message.docs);
  }

  /** Handles `query-diff`. */
  onDiff(message: QueryDiffMessage): void {
    const query = this.#byRequest.get(message.request);
    if (!query) return this.#unwanted(message.docs);
    let ids: string[];
    try {
      ids = applyIdOps(query.ids, fromWireOps(message.ops));
    } catch {
      // Out of step with the server (should not happen): ask for the whole result again.
      this.#unwanted(message.docs);
      this.#byRequest.delete(query.request);
      if (query.spec.mode === 'subscribe') this.#transport.send(unqueryMessage.encode({ request: query.request }));
      this.#send(query);
      return;
    }
    this.#apply(query, ids, message.count, message.docs);
  }

  /** Documents the server pushed for a query this client stopped: unsubscribe the ones nothing holds. */
  #unwanted(docs: QueryResultMessage['docs']): void {
    for (const { doc } of docs) {
      const ref = parseDocName(doc);
      if (ref && !this.#transport.holds.isLive(ref)) this.#transport.unsubscribe(doc);
    }
  }

  /** After `releaseAll` of the document holds: the running queries hold their documents again. */
  reholdAll(): void {
    for (const query of this.#byRequest.values()) {
      for (const id of query.ids) this.#transport.holds.adopt({ collection: query.spec.collection, id }, query.spec.mode);
      for (const id of query.cachedIds ?? []) this.#transport.holds.keep({ collection: query.spec.collection, id });
    }
  }

  #apply(query: RunningQuery, ids: readonly string[], count: number, docs: QueryResultMessage['docs']): void {
    if (query.closed) return;
    const { holds } = this.#transport;
    const mode = query.spec.mode;
    const held = new Set(query.ids);
    const adopted = new Set<string>();
    for (const { doc, update } of docs) {
      const ref = parseDocName(doc);
      if (!ref || ref.collection !== query.spec.collection) continue;
      // Pushed documents are subscribed on the server: hold them without asking again.
      if (!held.has(ref.id) && !adopted.has(ref.id)) holds.adopt(ref, mode);
      adopted.add(ref.id);
      this.#transport.load(ref, update);
    }
    const next = new Set(ids);
    for (const id of ids) {
      if (held.has(id) || adopted.has(id)) continue;
      void holds.hold({ collection: query.spec.collection, id }, mode).catch(() => undefined);
    }
    // Pushed documents outside the ids (a race with a newer result) are released with the others.
    for (const id of adopted) if (!next.has(id) && !held.has(id)) holds.release({ collection: query.spec.collection, id }, mode);
    query.ids = ids;
    query.answered = true;
    this.#releaseAllBut(query, held, next);
    this.#dropCached(query);
    this.#transport.offline?.saveQuery(queryKey(query.spec.collection, query.text), { ids, count });
    query.handler.result(ids, count);
  }

  #releaseAllBut(query: RunningQuery, previous: ReadonlySet<string>, keep: ReadonlySet<string>): void {
    for (const id of previous) if (!keep.has(id)) this.#transport.holds.release({ collection: query.spec.collection, id }, query.spec.mode);
  }

  /** Handles an `error` for a request; returns false when the request is not a query. */
  onError(request: number, error: Error): boolean {
    const query = this.#byRequest.get(request);
    if (!query) return false;
    this.#byRequest.delete(request);
    query.handler.error(error);
    return true;
  }

  /** After a (re)connect: sends every running query again (new request ids). */
  resendAll(): void {
    const running = [...this.#byRequest.values()];
    this.#byRequest.clear();
    for (const query of running) if (!query.closed) this.#send(query);
  }

  /** Stops every query (the model closed); nothing is sent. */
  close(error: Error): void {
    const running = [...this.#byRequest.values()];
    this.#byRequest.clear();
    for (const query of running) {
      query.closed = true;
      query.handler.error(error);
    }
  }
}
