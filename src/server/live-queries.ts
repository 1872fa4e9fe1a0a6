/**
 * The server's live queries: one `LiveQuery` per distinct collection and
 * expression, shared by every connection (and in-process model) running it.
 *
 * Rooms report each change of their document. Changes are batched (the
 * `queryDelayMs` option; a burst of writes becomes one batch), each changed
 * document is checked against every live query of its collection, and only
 * the queries it may affect are run again in storage, after the changed
 * documents' JSON values are stored. Listeners get the difference.
 *
 * With read rules, a query runs for one session (`acquire` with a read
 * filter): it is not shared, and runs in storage page by page until it has
 * the readable documents it returns (`queryReadable`), so what it holds
 * follows its result, not its collection.
 */
import type * as Y from 'yjs';
import type { QueryExpression } from '../query/query-expression.ts';
import type { Storage, StoredQueryResult } from '../storage/storage.ts';
import { LiveQuery, UNKNOWN } from './live-query.ts';
import { nextTurn } from './io-turns.ts';
import { queryReadable, type ReadFilter } from './query-readable.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Room } from './room.ts';
import type { ServerLog } from './server-log.ts';

/** How many affected queries of a batch run at once; the server serves sockets between groups. */
const RERUN_GROUP = 32;

/** What the live queries need from the server. */
export interface LiveQueriesSettings {
  readonly storage: Storage;
  readonly log: ServerLog;
  /** How long changes are collected before affected queries run again, in ms. */
  readonly delayMs: number;
  /** Settles once stored JSON values are current (after a crash, `repairJson`); queries wait for it. */
  readonly ready?: Promise<unknown>;
  /** Called when a collection gets its first live query (`true`) and loses its last (`false`): other processes' changes matter while it has one. */
  readonly watch?: (collection: string, watching: boolean) => void;
}

/** Every live query of a server. */
export class LiveQueries {
  readonly #settings: LiveQueriesSettings;
  readonly #queries = new Map<string, LiveQuery>();
  readonly #byCollection = new Map<string, Set<LiveQuery>>();
  readonly #changed = new Set<Room>();
  /** Documents other server processes changed (not loaded here), by `collection/id`, with their new values (or UNKNOWN). */
  readonly #remote = new Map<string, { readonly collection: string; readonly id: string; readonly value: unknown }>();
  /** Collections every query of which runs again at the next batch (a fan-out message was missed). */
  readonly #stale = new Set<string>();
  /** Who made the changes of the coming batch (room peers: connections, in-process models). */
  #writers = new Set<unknown>();
  /** Each changed document's value at the last batch, with its collection's epoch then. */
  readonly #seen = new WeakMap<Y.Doc, { readonly value: unknown; readonly epoch: number }>();
  /** Per collection, bumped whenever it stops having live queries: older `#seen` values may be stale. */
  readonly #epochs = new Map<string, number>();
  /** Numbers the filtered queries (each is its own). */
  #filtered = 0;
  #registry: RoomRegistry | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #flushing: Promise<void> | null = null;

  constructor(settings: LiveQueriesSettings) {
    this.#settings = settings;
  }

  /** Connects the room registry (created after this, since rooms report to it). */
  bind(registry: RoomRegistry): void {
    this.#registry = registry;
  }

  /** Number of distinct live queries. */
  get size(): number {
    return this.#queries.size;
  }

  /**
   * The live query for a collection and a valid expression (created and run
   * when new); release it when done. Without `filter` one query serves
   * every holder of the same expression. With one (a session's read rule),
   * the query is the caller's own: its result holds only the documents
   * `filter` allows, `$skip`, `$limit` and `$count` applying to those, and
   * it runs again whenever a change may change what is readable in it.
   */
  acquire(collection: string, expression: QueryExpression, filter?: ReadFilter): LiveQuery {
    const text = `${collection}\u0000${JSON.stringify(expression)}`;
    const key = filter ? `${text}\u0000filtered ${(this.#filtered += 1)}` : text;
    let query = this.#queries.get(key);
    if (!query) {
      const created = new LiveQuery(collection, expression, key, filter ?? null);
      query = created;
      this.#queries.set(key, created);
      let set = this.#byCollection.get(collection);
      if (!set) {
        this.#byCollection.set(collection, (set = new Set()));
        this.#settings.watch?.(collection, true);
      }
      set.add(created);
      created.ready = created.run(async () => {
        const rooms = this.#registry?.roomsOf(collection) ?? [];
        await Promise.all([this.#settings.ready, ...rooms.map((room) => room.saveJson())]);
        created.update(await this.#read(created));
        created.settled = true;
      });
      created.ready.catch(() => this.#drop(created));
    }
    query.refs += 1;
    return query;
  }

  /** Runs a query in storage (a filtered one page by page, keeping what its session may read). */
  #read(query: LiveQuery): Promise<StoredQueryResult> {
    const { storage } = this.#settings;
    return query.filter ? queryReadable(storage, query.collection, query.expression, query.filter) : storage.query(query.collection, query.expression);
  }

  /** Releases a query taken with `acquire`; it stops at 0 holders. */
  release(query: LiveQuery): void {
    query.refs -= 1;
    if (query.refs <= 0) this.#drop(query);
  }

  #drop(query: LiveQuery): void {
    if (this.#queries.get(query.key) !== query) return;
    this.#queries.delete(query.key);
    const set = this.#byCollection.get(query.collection);
    set?.delete(query);
    if (set?.size === 0) {
      // Changes are not followed while a collection has no live query: what was seen goes stale.
      this.#byCollection.delete(query.collection);
      this.#settings.watch?.(query.collection, false);
      this.#epochs.set(query.collection, (this.#epochs.get(query.collection) ?? 0) + 1);
    }
  }

  /** A room's document changed (called by the room for every applied update, with the update's origin). */
  docChanged(room: Room, origin: unknown): void {
    if (!this.#byCollection.has(room.key.collection)) return;
    this.#changed.add(room);
    if (typeof origin === 'object' && origin !== null) this.#writers.add(origin);
    this.#schedule();
  }

  /**
   * Another server process stored a document's JSON value (its fan-out
   * message said so): the queries it may affect run again at the next batch.
   * `value` is the parsed value (undefined when the document does not
   * exist), or `UNKNOWN` when the message did not carry it.
   */
  remoteChanged(collection: string, id: string, value: unknown): void {
    if (!this.#byCollection.has(collection)) return;
    this.#remote.set(`${collection}/${id}`, { collection, id, value });
    this.#schedule();
  }

  /** Runs every query of a collection (of every collection without one) again at the next batch: changes may have been missed. */
  rerun(collection?: string): void {
    for (const name of collection === undefined ? this.#byCollection.keys() : [collection]) {
      if (this.#byCollection.has(name)) this.#stale.add(name);
    }
    if (this.#stale.size > 0) this.#schedule();
  }

  /** True when changes wait for the next batch. */
  #pending(): boolean {
    return this.#changed.size > 0 || this.#remote.size > 0 || this.#stale.size > 0;
  }

  #schedule(): void {
    if (this.#timer !== null || this.#flushing) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#flushing = this.#flush()
        .catch((error: unknown) => this.#settings.log('error', `live queries: re-running failed (${String(error)})`))
        .finally(() => {
          this.#flushing = null;
          if (this.#pending()) this.#schedule();
        });
    }, this.#settings.delayMs);
    this.#timer.unref?.();
  }

  async #flush(): Promise<void> {
    const rooms = [...this.#changed];
    this.#changed.clear();
    const remote = [...this.#remote.values()];
    this.#remote.clear();
    const stale = [...this.#stale];
    this.#stale.clear();
    const writers = this.#writers;
    this.#writers = new Set();
    const affected = new Set<LiveQuery>();
    const confirmed = new Set<LiveQuery>();
    // Filtered queries a document may enter if their read filter allows its new value.
    const ifReadable: Array<{ readonly query: LiveQuery; readonly id: string; readonly value: unknown }> = [];
    for (const collection of stale) for (const query of this.#byCollection.get(collection) ?? []) affected.add(query);
    for (const { collection, id, value } of remote) {
      for (const query of this.#byCollection.get(collection) ?? []) {
        if (affected.has(query)) continue;
        // Another process's change: what the document was before is not known here.
        const verdict = value === UNKNOWN || query.affectedBy(id, value, UNKNOWN);
        if (verdict === 'if-readable') ifReadable.push({ query, id, value });
        else if (verdict) affected.add(query);
      }
    }
    for (const room of rooms) {
      const queries = this.#byCollection.get(room.key.collection);
      if (!queries) continue;
      let next: unknown;
      let previous: unknown = UNKNOWN;
      if (room.closed) {
        next = UNKNOWN;
      } else {
        next = room.value();
        const epoch = this.#epochs.get(room.key.collection) ?? 0;
        const seen = this.#seen.get(room.doc);
        if (seen && seen.epoch === epoch) previous = seen.value;
        this.#seen.set(room.doc, { value: next, epoch });
      }
      for (const query of queries) {
        if (affected.has(query)) continue;
        // A closed room's last value is only in storage: run the query again to be sure.
        const verdict = next === UNKNOWN || query.affectedBy(room.key.id, next, previous);
        if (verdict === 'if-readable') ifReadable.push({ query, id: room.key.id, value: next });
        else if (verdict) affected.add(query);
        else if (query.heardBy(writers)) confirmed.add(query);
      }
    }
    await Promise.all(
      ifReadable.map(async ({ query, id, value }) => {
        if (affected.has(query)) return;
        // A filter that fails runs the query again (which reports the failure).
        const readable = await new Promise<boolean>((resolve) => resolve(query.filter?.(id, value) ?? true)).catch(() => true);
        if (readable === true) affected.add(query);
        else if (query.heardBy(writers)) confirmed.add(query);
      }),
    );
    if (affected.size === 0 && confirmed.size === 0) return;
    // After the changes are stored (so writers have their acknowledgements first) and their JSON is.
    await Promise.all([this.#settings.ready, ...rooms.map((room) => room.saveJson())]);
    for (const query of confirmed) if (!affected.has(query)) void query.run(async () => query.confirm(writers));
    // In groups, letting sockets be served in between: storage may answer synchronously (SQLite).
    const queue = [...affected];
    for (let start = 0; start < queue.length; start += RERUN_GROUP) {
      if (start > 0) await nextTurn();
      await Promise.all(
        queue.slice(start, start + RERUN_GROUP).map((query) =>
          query.run(async () => {
            if (this.#queries.get(query.key) !== query) return;
            query.update(await this.#read(query), writers);
          }),
        ),
      );
    }
  }

  /** Stops batching (the server is closing). */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#changed.clear();
    this.#remote.clear();
    this.#stale.clear();
  }
}
