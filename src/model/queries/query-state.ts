/**
 * The result of a query as one model sees it, kept up to date one document
 * at a time. Before the server answered, it is the query over every document
 * of the collection the model holds. Once the server answered, it is the
 * server's result plus this model's own changes since: documents changed
 * locally (written, or created offline) are tested again, so a local write
 * shows in the result at once; the server's next answer takes over (a
 * document stays "changed locally" while it has unacknowledged writes).
 * A `$count` query counts the server's number plus what local changes added
 * or removed.
 */
import { diffIds, type IdOp } from '../../query/id-diff.ts';
import { matchesQuery } from '../../query/match-query.ts';
import { modifiersOf, type QueryExpression, type QueryModifiers } from '../../query/query-expression.ts';
import { SortedMatches } from './sorted-matches.ts';

const NO_IDS: readonly string[] = Object.freeze([]);

/** What the state reads from its model. */
export interface QuerySource {
  /** The snapshot of a document of the collection (undefined when it does not exist). */
  read(id: string): unknown;
  /** The ids of every document of the collection the model holds. */
  ids(): Iterable<string>;
  /** True while the document has local writes the server has not acknowledged. */
  hasPending(id: string): boolean;
}

/** What a flush changed. */
export interface QueryDelta {
  readonly ops: readonly IdOp[];
  /** True when the count, or a document in the result, changed (or the ids did). */
  readonly changed: boolean;
}

/** A query's incrementally maintained result. */
export class QueryState {
  readonly #expression: QueryExpression;
  readonly #modifiers: QueryModifiers;
  readonly #source: QuerySource;
  readonly #matches: SortedMatches;
  /** Documents changed locally since the server's answer, with whether they matched before. */
  readonly #dirty = new Map<string, boolean>();
  /** For `$count` queries: whether each held document matches. */
  readonly #matching = new Map<string, boolean>();
  readonly #pending = new Set<string>();
  #server: { readonly ids: ReadonlySet<string>; readonly count: number } | null = null;
  #ids: readonly string[] = NO_IDS;
  #count = 0;

  /** `ids`: the result as last read (kept, identity included, when the first evaluation agrees). */
  constructor(expression: QueryExpression, source: QuerySource, ids: readonly string[] = NO_IDS) {
    this.#expression = expression;
    this.#modifiers = modifiersOf(expression);
    this.#source = source;
    this.#matches = new SortedMatches(expression);
    this.#ids = ids;
    this.#rebuild();
  }

  /** The result's ids (empty for `$count`); the same array while they do not change. */
  get ids(): readonly string[] {
    return this.#ids;
  }

  /** The result's count. */
  get count(): number {
    return this.#count;
  }

  /** True once a server answer is part of the result. */
  get answered(): boolean {
    return this.#server !== null;
  }

  /** A document changed (`local`: by this model's own write); applied at the next `flush`. */
  changed(id: string, local: boolean): void {
    if (local && !this.#dirty.has(id)) this.#dirty.set(id, this.#matchedBefore(id));
    this.#pending.add(id);
  }

  /** True when changes wait for `flush`. */
  get stale(): boolean {
    return this.#pending.size > 0;
  }

  /** Applies the changes since the last flush. */
  flush(): QueryDelta {
    const moves: Array<{ readonly id: string; readonly from: number; readonly to: number }> = [];
    for (const id of this.#pending) {
      const value = this.#source.read(id);
      if (this.#modifiers.count) this.#matching.set(id, value !== undefined && matchesQuery(value, this.#expression));
      const candidate = this.#server === null || this.#server.ids.has(id) || this.#dirty.has(id);
      const moved = this.#matches.update(id, candidate ? value : undefined);
      if (moved) moves.push({ id, ...moved });
    }
    this.#pending.clear();
    const { skip, limit, count } = this.#modifiers;
    // A count moves with local changes to documents that are not (or no longer) matches, too.
    if (count) return this.#publish(false);
    if (moves.length === 0) return { ops: [], changed: false };
    const only = moves.length === 1 ? moves[0] : undefined;
    // One document changed and the result is every match: its operation is known without a diff.
    if (only && limit === undefined && (skip === 0 || this.#server !== null)) return this.#single(only);
    return this.#publish(true);
  }

  #single(change: { readonly id: string; readonly from: number; readonly to: number }): QueryDelta {
    const { id, from, to } = change;
    const ids = [id];
    const op: IdOp | null =
      from < 0 ? { type: 'insert', index: to, ids } : to < 0 ? { type: 'remove', index: from, ids } : from !== to ? { type: 'move', from, to, ids } : null;
    if (op) this.#ids = Object.freeze(this.#matches.ids.slice());
    this.#count = this.#ids.length;
    return { ops: op ? [op] : [], changed: true };
  }

  /** Takes the server's result. */
  serverResult(ids: readonly string[], count: number): QueryDelta {
    this.#server = { ids: new Set(ids), count };
    for (const id of [...this.#dirty.keys()]) if (!this.#source.hasPending(id)) this.#dirty.delete(id);
    return this.#rebuild();
  }

  /** True when a locally changed document has no unacknowledged writes left (see `settle`). */
  get settleable(): boolean {
    if (this.#server === null) return false;
    for (const id of this.#dirty.keys()) if (!this.#source.hasPending(id)) return true;
    return false;
  }

  /**
   * Stops adjusting the server's result for documents whose writes are all
   * acknowledged. The server normally confirms them with a result; this is
   * the fallback when no result came (a write that changed nothing there).
   */
  settle(): QueryDelta {
    if (this.#server === null) return { ops: [], changed: false };
    return this.serverResult([...this.#server.ids], this.#server.count);
  }

  /** Forgets the server's result (the query stopped running there). */
  clearServer(): QueryDelta {
    this.#server = null;
    this.#dirty.clear();
    return this.#rebuild();
  }

  #matchedBefore(id: string): boolean {
    if (this.#modifiers.count) return this.#matching.get(id) ?? false;
    return this.#matches.has(id);
  }

  #rebuild(): QueryDelta {
    this.#pending.clear();
    const candidates = this.#server === null ? [...this.#source.ids()] : [...this.#server.ids, ...this.#dirty.keys()];
    this.#matches.reset(candidates.map((id) => [id, this.#source.read(id)] as const));
    if (this.#modifiers.count) {
      this.#matching.clear();
      for (const id of this.#source.ids()) {
        const value = this.#source.read(id);
        this.#matching.set(id, value !== undefined && matchesQuery(value, this.#expression));
      }
    }
    return this.#publish(true);
  }

  #publish(touched: boolean): QueryDelta {
    const { skip, limit, count: counting } = this.#modifiers;
    const matched = this.#matches.ids;
    // The server applied $skip already; locally, skip only before its answer.
    const start = this.#server === null ? skip : 0;
    const page = matched.slice(start, limit === undefined ? undefined : start + limit);
    let count = page.length;
    if (counting && this.#server !== null) {
      count = this.#server.count;
      for (const [id, matchedBefore] of this.#dirty) count += Number(this.#matches.has(id)) - Number(matchedBefore);
      count = Math.max(0, limit === undefined ? count : Math.min(limit, count));
    }
    const next = counting ? NO_IDS : page;
    const ops = diffIds(this.#ids, next);
    if (ops.length > 0) this.#ids = Object.freeze(next);
    const changed = ops.length > 0 || touched || count !== this.#count;
    this.#count = count;
    return { ops, changed };
  }
}
