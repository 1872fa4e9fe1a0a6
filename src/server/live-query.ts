/**
 * One live query on the server: its expression, its current result (ids in
 * order, count, and the JSON values of the result documents), and who
 * listens. It decides whether a changed document can affect the result, so
 * the server re-runs only queries that may have changed.
 */
import { jsonEqual } from '../query/compare-values.ts';
import { sortComparator, queryFields } from '../query/evaluate-query.ts';
import { diffIds, type IdOp } from '../query/id-diff.ts';
import { fieldValue, matchesQuery } from '../query/match-query.ts';
import { modifiersOf, type QueryExpression, type QueryModifiers } from '../query/query-expression.ts';
import type { StoredQueryResult } from '../storage/storage.ts';
import type { ReadFilter } from './query-readable.ts';

const NO_WRITERS: ReadonlySet<unknown> = new Set();

/** Marks a document whose previous value the server does not know. */
export const UNKNOWN: unique symbol = Symbol('yracer:unknown');

/**
 * Hears a live query's changes: the operations from the previous ids, the
 * new ids and the new count; `confirming` is true when the subscriber's own
 * writes caused this run (it hears even a run that changed nothing).
 */
export type LiveQueryListener = (ops: readonly IdOp[], ids: readonly string[], count: number, confirming: boolean) => void;

/**
 * A subscriber of a live query: who it is (the room peer whose writes it
 * makes: a connection, an in-process model) and what hears the changes.
 */
export interface LiveQuerySubscriber {
  readonly peer: unknown;
  readonly listener: LiveQueryListener;
}

/**
 * A query kept up to date by the server. Its result is what storage returns
 * (with a read filter, what `queryReadable` returns: the session's readable
 * documents, paged and counted); it holds the ids and JSON values of that
 * result only, so its memory follows the result, not the collection.
 */
export class LiveQuery {
  readonly collection: string;
  readonly expression: QueryExpression;
  readonly key: string;
  readonly subscribers = new Set<LiveQuerySubscriber>();
  /** Holders (connections and in-process models); the registry drops the query at 0. */
  refs = 0;
  /** Resolves once the first result is in (rejects when storage failed). */
  ready: Promise<void> = Promise.resolve();
  /** True once the first result is in; until then every change counts as affecting it (it runs again after). */
  settled = false;
  #ids: readonly string[] = [];
  #count = 0;
  readonly #values = new Map<string, unknown>();
  readonly #fields: ReadonlySet<string>;
  readonly #modifiers: QueryModifiers;
  readonly #compare: (a: string, b: string) => number;
  #candidate: { id: string; value: unknown } | null = null;
  #runs: Promise<void> = Promise.resolve();
  /**
   * The read rule of the one session this query runs for (null: a query
   * shared by everyone, unfiltered). With one, any change of a document's
   * value may change whether it is readable, so it runs the query again
   * when the document is in the result or may enter it.
   */
  readonly filter: ReadFilter | null;

  constructor(collection: string, expression: QueryExpression, key: string, filter: ReadFilter | null = null) {
    this.collection = collection;
    this.expression = expression;
    this.key = key;
    this.filter = filter;
    this.#fields = queryFields(expression);
    this.#modifiers = modifiersOf(expression);
    const compare = sortComparator(expression, (id) =>
      this.#candidate && this.#candidate.id === id ? this.#candidate.value : this.#values.get(id),
    );
    this.#compare = compare;
  }

  /** The current ids, in order (empty for a `$count` query). */
  get ids(): readonly string[] {
    return this.#ids;
  }

  /** The JSON value of a document of the current result (undefined for others). */
  value(id: string): unknown {
    return this.#values.get(id);
  }

  /** The current count. */
  get count(): number {
    return this.#count;
  }

  /** Number of JSON values held (those of the result's documents). */
  get heldValues(): number {
    return this.#values.size;
  }

  /** Runs `step` after every earlier run of this query (results are applied in the order they were read). */
  run(step: () => Promise<void>): Promise<void> {
    const done = this.#runs.then(step);
    this.#runs = done.catch(() => undefined);
    return done;
  }

  /**
   * Whether a change of document `id` (to `next`, undefined when deleted;
   * `previous` is its value at the last check, or `UNKNOWN`) can change the
   * result. False only when it certainly cannot. `'if-readable'` (a query
   * with a read filter): only when the filter allows `next`, as the
   * document was not in the result and enters it only if readable now.
   */
  affectedBy(id: string, next: unknown, previous: unknown): boolean | 'if-readable' {
    if (!this.settled) return true;
    const now = next !== undefined && matchesQuery(next, this.expression);
    const entering = this.filter ? 'if-readable' : true;
    if (this.#modifiers.count) {
      if (previous === UNKNOWN) return true;
      const was = previous !== undefined && matchesQuery(previous, this.expression);
      if (now && !was) return entering;
      // Filtered: a matching document's new value may change whether it is readable (so counted).
      return now !== was || (this.filter !== null && now && !jsonEqual(previous, next));
    }
    if (this.#values.has(id)) {
      if (next === undefined) return true;
      const before = this.#values.get(id);
      if (this.filter) return !jsonEqual(before, next);
      for (const field of this.#fields) if (!jsonEqual(fieldValue(before, field), fieldValue(next, field))) return true;
      return false;
    }
    const { limit, skip } = this.#modifiers;
    if (limit === 0) return false;
    // With $skip, a document outside the window may have been in the skipped part before it: then the window shifts.
    if (skip > 0 && previous !== undefined && (previous === UNKNOWN || matchesQuery(previous, this.expression))) {
      if (previous === UNKNOWN || !this.#afterWindow(id, previous)) return true;
    }
    // Filtered, the window is of readable documents: one sorting before its end enters it if readable now.
    return now && !this.#afterWindow(id, next) ? entering : false;
  }

  /** True when the window is full and a document with this value sorts after its last one (so it is not in it). */
  #afterWindow(id: string, value: unknown): boolean {
    const { limit } = this.#modifiers;
    if (limit === undefined || this.#ids.length < limit) return false;
    this.#candidate = { id, value };
    const after = this.#compare(id, this.#ids[this.#ids.length - 1] as string) > 0;
    this.#candidate = null;
    return after;
  }

  /**
   * Takes a result read from storage; tells the subscribers when it differs
   * from the current one. Subscribers among `writers` (whose writes caused
   * this run) hear it even when nothing changed (with no operations): that
   * tells them the result now reflects their writes.
   */
  update(result: StoredQueryResult, writers: ReadonlySet<unknown> = NO_WRITERS): void {
    const ids = this.#modifiers.count ? [] : [...result.ids];
    this.#values.clear();
    ids.forEach((id, i) => {
      const json = result.json[i];
      this.#values.set(id, json === undefined ? undefined : (JSON.parse(json) as unknown));
    });
    const ops = diffIds(this.#ids, ids);
    const changed = ops.length > 0 || result.count !== this.#count;
    this.#ids = ids;
    this.#count = result.count;
    if (!changed) {
      this.confirm(writers);
      return;
    }
    for (const { peer, listener } of [...this.subscribers]) listener(ops, ids, result.count, writers.has(peer));
  }

  /** Tells the subscribers among `writers` that the current result reflects their writes (no operations). */
  confirm(writers: ReadonlySet<unknown>): void {
    if (writers.size === 0) return;
    for (const { peer, listener } of [...this.subscribers]) if (writers.has(peer)) listener([], this.#ids, this.#count, true);
  }

  /** True when one of the subscribers is among `writers`. */
  heardBy(writers: ReadonlySet<unknown>): boolean {
    for (const { peer } of this.subscribers) if (writers.has(peer)) return true;
    return false;
  }
}
