/**
 * `model.query(collection, expression)`: a live query. Its result is
 * evaluated over the documents the model holds at once (so local and offline
 * writes show immediately, `status` `'local'`), and once subscribed or
 * fetched the server's answer takes over (`status` `'complete'`): the server
 * sends the result documents and, for a subscription, every later change of
 * the result. See query-state.ts for how the two combine.
 */
import { evaluateQuery } from '../../query/evaluate-query.ts';
import type { QueryExpression } from '../../query/query-expression.ts';
import type { BusListener } from '../events/event-bus.ts';
import type { ModelStore } from '../documents/model-store.ts';
import type { QueryEvent, QueryEventType, QueryListener, QueryStatus } from './query-event.ts';
import { QueryState, type QueryDelta } from './query-state.ts';
import { splitPath } from '../paths/path.ts';
import { refQuery, refQueryIds } from '../refs/ref-query.ts';
import type { HoldMode } from '../documents/sync-port.ts';
import { QueryRuns } from './query-runs.ts';

const NO_DOCS: readonly unknown[] = Object.freeze([]);

/**
 * How long a query keeps adjusting the server's result for a local change
 * whose writes are all acknowledged, waiting for the server to confirm it,
 * before it trusts the result it has (ms).
 */
const SETTLE_MS = 1000;

/** Where a query registers while in use (the model's cache). */
export interface QueryRegistry<R> {
  /** The query is in use again (held or listened to). */
  active(query: Query<R>): void;
  /** Nothing holds or listens to the query any more. */
  idle(query: Query<R>): void;
}

/**
 * A query over one collection. `R` is what `get()` returns: the documents,
 * or for a `{ $count: true }` query their number. Get one with
 * `model.query()`; identical arguments give the same object.
 *
 * @example
 * const active = model.query<Todo>('todos', { done: false, $sort: { createdAt: 1 } });
 * await active.subscribe();
 * active.get();      // the todos, in order
 * active.on('insert', ({ index, ids }) => console.log(ids, 'entered at', index));
 */
export class Query<R = readonly unknown[]> {
  readonly collection: string;
  readonly expression: QueryExpression;
  readonly #store: ModelStore;
  readonly #counting: boolean;
  readonly #registry: QueryRegistry<R>;
  #stopWatch: (() => void) | null = null;
  #settleTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #listeners = new Map<QueryEventType, Set<(event: QueryEvent) => void>>();
  readonly #runs: QueryRuns;
  #state: QueryState | null = null;
  #bus: BusListener | null = null;
  /** The last documents read, with the ids and the collection snapshot they were read from. */
  #docs: { ids: readonly string[]; docs: readonly unknown[]; version: number | null } = { ids: [], docs: NO_DOCS, version: null };
  #detached: { source: unknown; count: number } | null = null;

  /** @internal Use `model.query()`. */
  constructor(store: ModelStore, collection: string, expression: QueryExpression, registry: QueryRegistry<R>) {
    this.#store = store;
    this.collection = collection;
    this.expression = expression;
    this.#counting = expression['$count'] === true;
    this.#registry = registry;
    this.#runs = new QueryRuns(store, { collection, expression }, {
      result: (ids, count) => {
        this.#cancelSettle();
        if (this.#state) this.#emit(this.#state.serverResult(ids, count));
      },
      error: (error) => {
        this.#dispatch({ type: 'error', error });
        this.#maybeIdle();
      },
    });
  }

  /** `'complete'` once the server's result is in (always for a model without a server), else `'local'`. */
  get status(): QueryStatus {
    if (!this.#store.sync) return 'complete';
    return this.#state?.answered ? 'complete' : 'local';
  }

  /** The result: the matching documents in order, or for a `$count` query their number. */
  get(): R {
    const state = this.#fresh();
    if (!state) return this.#evaluate();
    if (this.#counting) return state.count as R;
    return this.#docsOf(state.ids);
  }

  /** The documents of `ids`, as the same array as last time when neither the ids nor a document changed. */
  #docsOf(ids: readonly string[]): R {
    // Nothing of the collection changed since the last read: the same documents.
    const version = this.#store.collectionVersion(this.collection);
    const previous = this.#docs;
    if (previous.ids === ids && version !== null && previous.version === version) return previous.docs as R;
    const docs = ids.map((id) => this.#read(id));
    if (previous.ids === ids && docs.every((doc, i) => Object.is(doc, previous.docs[i]))) {
      this.#docs = { ...previous, version };
      return previous.docs as R;
    }
    this.#docs = { ids, docs: Object.freeze(docs), version };
    return this.#docs.docs as R;
  }

  /** The ids of the result documents in order (empty for `$count`); the same array while they do not change. */
  getIds(): readonly string[] {
    const state = this.#fresh();
    if (state) return state.ids;
    this.#evaluate();
    return this.#docs.ids;
  }

  /** The number of result documents (what `get()` returns for `$count`). */
  getCount(): number {
    const state = this.#fresh();
    if (state) return state.count;
    this.#evaluate();
    return this.#detached?.count ?? 0;
  }

  /**
   * Subscribes on the server: resolves with the server's first result (or,
   * with an offline store, as soon as the stored result's documents are in
   * the model; `status` stays `'local'` until the server answers); later
   * changes follow until `unsubscribe`.
   */
  subscribe(): Promise<void> {
    return this.#hold('subscribe');
  }

  /** Runs the query on the server once; its documents stay loaded until `unfetch`. */
  fetch(): Promise<void> {
    return this.#hold('fetch');
  }

  /** Releases one `subscribe`. */
  async unsubscribe(): Promise<void> {
    this.#release('subscribe');
  }

  /** Releases one `fetch`. */
  async unfetch(): Promise<void> {
    this.#release('fetch');
  }

  /**
   * Racer's `query.ref(path)`: makes `path` (absolute, under a local
   * collection) a ref list of the result documents, in order, kept live
   * until `model.removeRef(path)`. Returns nothing; read it with `model.get(path)`.
   *
   * @example
   * model.query('todos', { done: false }).ref('_page.open');
   * model.get('_page.open'); // the open todos; model.set('_page.open.0.done', true) writes todos.<id>.done
   */
  ref(path: string): void {
    refQuery(this.#store, this as Query<unknown>, path);
  }

  /** Racer's `query.refIds(path)`: makes `path` a ref to the result ids, in order, kept live until `model.removeRef(path)`. */
  refIds(path: string): void {
    refQueryIds(this.#store, this as Query<unknown>, path);
  }

  /** Racer's name for `subscribe`, which already returns a promise: an alias. */
  subscribePromised(): Promise<void> {
    return this.subscribe();
  }

  /** Racer's name for `fetch`, which already returns a promise: an alias. */
  fetchPromised(): Promise<void> {
    return this.fetch();
  }

  /** Racer's name for `unsubscribe`, which already returns a promise: an alias. */
  unsubscribePromised(): Promise<void> {
    return this.unsubscribe();
  }

  /** Racer's name for `unfetch`, which already returns a promise: an alias. */
  unfetchPromised(): Promise<void> {
    return this.unfetch();
  }

  /**
   * Listens for `insert`, `remove`, `move` (of result ids), `change` (any
   * change of the result) or `error`. Returns a function that stops it.
   */
  on<T extends QueryEventType>(type: T, listener: QueryListener<T>): () => void {
    if (typeof listener !== 'function') throw new TypeError('yracer query.on(): the listener must be a function');
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    const fn = listener as (event: QueryEvent) => void;
    set.add(fn);
    this.#attach();
    return () => {
      if (set.delete(fn)) this.#maybeIdle();
    };
  }

  #hold(mode: HoldMode): Promise<void> {
    const held = this.#runs.hold(mode);
    this.#attach();
    return held;
  }

  #release(mode: HoldMode): void {
    if (!this.#runs.release(mode)) return;
    if (!this.#runs.running && this.#state?.answered) this.#emit(this.#state.clearServer());
    this.#maybeIdle();
  }

  #read(id: string): unknown {
    return this.#store.read([this.collection, id]);
  }

  #attach(): void {
    if (this.#state) return;
    const store = this.#store;
    this.#registry.active(this);
    this.#stopWatch = store.sync?.connection.watch(() => this.#maybeSettle()) ?? null;
    this.#state = new QueryState(
      this.expression,
      {
        read: (id) => this.#read(id),
        ids: () => store.entries(this.collection).map((entry) => entry.id),
        hasPending: (id) => store.sync?.hasPending({ collection: this.collection, id }) ?? false,
      },
      this.#docs.ids,
    );
    this.#bus = (event) => {
      const id = splitPath(event.path)[1];
      if (id === undefined || !this.#state) return;
      // Unacknowledged writes count as local, whoever made them (another tab of this browser, say).
      const local = (event.type !== 'load' && event.type !== 'unload' && !event.remote) || (store.sync?.hasPending({ collection: this.collection, id }) ?? false);
      this.#state.changed(id, local);
      // Once per delivery: a batch of changes (a transaction, a batch load) is one result change.
      store.bus.afterFlush(this.#flushAfter);
    };
    store.bus.on('all', [this.collection, '**'], this.#bus);
  }

  readonly #flushAfter = (): void => this.#flush();

  #fresh(): QueryState | null {
    if (this.#state?.stale) this.#flush();
    return this.#state;
  }

  #flush(): void {
    if (this.#state?.stale) this.#emit(this.#state.flush());
  }

  #emit(delta: QueryDelta): void {
    for (const op of delta.ops) this.#dispatch(op);
    if (delta.changed) this.#dispatch({ type: 'change' });
  }

  #dispatch(event: QueryEvent): void {
    for (const listener of [...(this.#listeners.get(event.type) ?? [])]) {
      try {
        listener(event);
      } catch (error) {
        console.error(`yracer: a query '${event.type}' listener threw`, error);
      }
    }
  }

  #maybeIdle(): void {
    if (!this.#state || this.#runs.held) return;
    for (const set of this.#listeners.values()) if (set.size > 0) return;
    if (this.#bus) this.#store.bus.off(this.#bus);
    this.#bus = null;
    this.#stopWatch?.();
    this.#stopWatch = null;
    this.#cancelSettle();
    this.#state = null;
    this.#registry.idle(this);
  }

  /** Pending writes changed: once a local change is acknowledged, wait a moment for the server to confirm it, then settle. */
  #maybeSettle(): void {
    if (this.#settleTimer !== null || !this.#state?.settleable) return;
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      if (this.#state?.settleable) this.#emit(this.#state.settle());
    }, SETTLE_MS);
    (this.#settleTimer as { unref?: () => void }).unref?.();
  }

  #cancelSettle(): void {
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    this.#settleTimer = null;
  }

  /** The result computed from scratch (while nothing listens or holds the query), keeping identities where nothing changed. */
  #evaluate(): R {
    const source = this.#store.read([this.collection]) ?? {};
    if (this.#detached?.source !== source) {
      const result = evaluateQuery(source as Readonly<Record<string, unknown>>, this.expression);
      const previous = this.#docs.ids;
      const same = previous.length === result.ids.length && previous.every((id, i) => id === result.ids[i]);
      this.#docsOf(same ? previous : Object.freeze([...result.ids]));
      this.#detached = { source, count: result.count };
    }
    return (this.#counting ? this.#detached.count : this.#docs.docs) as R;
  }
}
