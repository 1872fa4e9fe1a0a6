/**
 * The queries of one multiplexed connection: `query` requests (validated,
 * answered with `query-result`), live changes (sent as `query-diff`), and
 * `unquery`. Result documents the connection does not subscribe to yet are
 * sent with the result and subscribed from then on. Everything one
 * connection is sent about its queries goes out in order.
 */
import { docName, parseDocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { QueryMessage } from '../protocol/query-message.ts';
import { queryDiffMessage, toWireOps } from '../protocol/query-diff-message.ts';
import { queryResultMessage } from '../protocol/query-result-message.ts';
import { SubscribeMode } from '../protocol/subscribe-message.ts';
import type { IdOp } from '../query/id-diff.ts';
import type { QueryExpression } from '../query/query-expression.ts';
import { queryProblem } from '../query/query-problem.ts';
import type { ConnectionContext } from './connection.ts';
import type { LiveQuery, LiveQueryListener, LiveQuerySubscriber } from './live-query.ts';
import type { ReadFilter } from './query-readable.ts';
import { whenReadable } from './when-readable.ts';
import type { Room } from './room.ts';
import type { Session } from './session.ts';

/** What the queries need from their connection. */
export interface QueryHost {
  readonly context: ConnectionContext;
  isClosed(): boolean;
  send(frame: Uint8Array): void;
  reportError(report: { readonly request: number; readonly code: string; readonly message: string }): void;
  /** True when the connection subscribes (or is subscribing) to the document. */
  isSubscribed(name: string): boolean;
  /** Subscribes the connection to a room; false when it holds as many subscriptions as allowed. */
  adopt(name: string, room: Room): boolean;
  /** The connection as the rooms see it (the origin of its writes). */
  readonly peer: unknown;
  /** The connection's session (for read rules). */
  session(): Session;
}

interface Active {
  readonly query: LiveQuery;
  readonly subscriber: LiveQuerySubscriber;
}

/** The live and fetched queries of one connection. */
export class ConnectionQueries {
  readonly #host: QueryHost;
  readonly #active = new Map<number, Active>();
  #chain: Promise<void> = Promise.resolve();

  constructor(host: QueryHost) {
    this.#host = host;
  }

  /** Number of subscribed queries. */
  get size(): number {
    return this.#active.size;
  }

  /** Handles a `query` request. */
  async onQuery(message: QueryMessage): Promise<void> {
    const { request, collection, mode } = message;
    const fail = (code: string, text: string): void => this.#host.reportError({ request, code, message: text });
    if (!parseDocName(`${collection}/x`)) return fail(ErrorCode.BadQuery, `"${collection}" is not a collection name`);
    if (mode !== SubscribeMode.Subscribe && mode !== SubscribeMode.Fetch) return fail(ErrorCode.BadPayload, `unknown query mode ${mode}`);
    if (this.#active.has(request)) return fail(ErrorCode.BadQuery, `request ${request} is already a running query`);
    const { maxQueries } = this.#host.context.options;
    if (mode === SubscribeMode.Subscribe && this.#active.size >= maxQueries) {
      return fail(ErrorCode.TooManyQueries, `at most ${maxQueries} queries per connection`);
    }
    let expression: QueryExpression;
    try {
      expression = JSON.parse(message.expression) as QueryExpression;
    } catch (error) {
      return fail(ErrorCode.BadQuery, `the expression is not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const problem = queryProblem(expression);
    if (problem) return fail(ErrorCode.BadQuery, problem);
    const { queries, access } = this.#host.context;
    // With read rules the query is this connection's own, holding what its session may read.
    const filter: ReadFilter | undefined = access.checksReads
      ? async (id, value) => (await access.canRead(this.#host.session(), collection, id, value)) === null
      : undefined;
    const query = queries.acquire(collection, expression, filter);
    try {
      await query.ready;
    } catch (error) {
      queries.release(query);
      return fail(ErrorCode.QueryFailed, `running the query failed: ${String(error)}`);
    }
    if (this.#host.isClosed()) {
      queries.release(query);
      return;
    }
    const { ids, count } = query;
    if (mode === SubscribeMode.Subscribe) {
      const listener: LiveQueryListener = (ops, _ids, next) => this.#enqueue(() => this.#sendDiff(request, query, ops, next));
      const subscriber: LiveQuerySubscriber = { peer: this.#host.peer, listener };
      query.subscribers.add(subscriber);
      this.#active.set(request, { query, subscriber });
    } else {
      queries.release(query);
    }
    const subscribe = mode === SubscribeMode.Subscribe;
    this.#enqueue(async () => {
      // Stopped (unquery) before its answer went out: subscribe the connection to nothing.
      if (subscribe && !this.#runs(request, query)) return;
      const docs = await this.#documents(collection, ids, subscribe ? () => this.#runs(request, query) : null);
      this.#host.send(queryResultMessage.encode({ request, count, ids, docs }));
    });
  }

  /** Handles `unquery`: stops a subscribed query. */
  onUnquery(request: number): void {
    const active = this.#active.get(request);
    if (!active) return;
    this.#active.delete(request);
    this.#stop(active);
  }

  #stop(active: Active): void {
    active.query.subscribers.delete(active.subscriber);
    this.#host.context.queries.release(active.query);
  }

  #enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch((error: unknown) => {
      this.#host.context.options.log('error', `sending a query result failed (${String(error)})`);
    });
  }

  #runs(request: number, query: LiveQuery): boolean {
    return this.#active.get(request)?.query === query;
  }

  async #sendDiff(request: number, query: LiveQuery, ops: readonly IdOp[], count: number): Promise<void> {
    if (!this.#runs(request, query)) return;
    const inserted = ops.flatMap((op) => (op.type === 'insert' ? op.ids : []));
    const docs = await this.#documents(query.collection, inserted, () => this.#runs(request, query));
    this.#host.send(queryDiffMessage.encode({ request, count, ops: toWireOps(ops), docs }));
  }

  /**
   * The full state of the documents the connection does not subscribe to
   * yet. With `running` (a subscribed query), subscribes the connection to
   * them, as long as `running()` still says the query runs. With read rules,
   * each document's current value is checked again (the result was read
   * from its stored JSON, which may be older): a document the session may
   * not read now, or that changed after its check, is left out (its id
   * stays in the result until the query runs again).
   */
  async #documents(collection: string, ids: readonly string[], running: (() => boolean) | null): Promise<Array<{ doc: string; update: Uint8Array }>> {
    const { registry, access } = this.#host.context;
    const missing = ids.map((id) => docName(collection, id)).filter((name) => !this.#host.isSubscribed(name));
    const docs = new Map<string, { doc: string; update: Uint8Array }>();
    await Promise.all(
      missing.map(async (name) => {
        const room = await registry.open(name, { collection, id: name.slice(collection.length + 1) }).catch(() => null);
        if (!room) return;
        // Taken in the step that saw the read rule allow the document's current value.
        await whenReadable(access, registry, this.#host.session(), room, () => {
          if (this.#host.isClosed()) return;
          if (running) {
            if (!running() || this.#host.isSubscribed(name) || !this.#host.adopt(name, room)) return;
          } else {
            registry.touch(room);
          }
          docs.set(name, { doc: name, update: room.diff() });
        });
      }),
    );
    return missing.flatMap((name) => docs.get(name) ?? []);
  }

  /** Stops every query (the connection closed). */
  close(): void {
    for (const active of this.#active.values()) this.#stop(active);
    this.#active.clear();
  }
}
