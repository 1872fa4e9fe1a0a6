/**
 * The result of a query over a collection snapshot, recomputed only when the
 * collection changed, and structurally stable: the ids array keeps its
 * identity while the ids do not change, and the whole result keeps its
 * identity while neither the ids nor any matching document changed.
 */
import { evaluateQuery, type Query } from '../model/evaluate-query.ts';
import type { Model } from '../model/model.ts';

/** A query result as the hooks return it. */
export interface QuerySnapshot<T = unknown> {
  /** Matching documents, in order. */
  readonly docs: readonly T[];
  /** Their ids. */
  readonly ids: readonly string[];
  /** Number of matches (after `$skip` and `$limit`). */
  readonly count: number;
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** Reads a query's result from a model, reusing the previous result when nothing it shows changed. */
export class QueryReader<T> {
  readonly #model: Model;
  readonly #collection: string;
  readonly #query: Query;
  #source: unknown = null;
  #result: QuerySnapshot<T> | null = null;

  constructor(model: Model, collection: string, query: Query) {
    this.#model = model;
    this.#collection = collection;
    this.#query = query;
  }

  /** The current result (the same object as last time when nothing changed). */
  read(): QuerySnapshot<T> {
    const source = this.#model.get<Readonly<Record<string, T>>>(this.#collection) ?? (EMPTY as Readonly<Record<string, T>>);
    if (this.#result && source === this.#source) return this.#result;
    const fresh = evaluateQuery(source, this.#query);
    const previous = this.#result;
    this.#source = source;
    if (previous && sameItems(previous.ids, fresh.ids)) {
      this.#result = sameItems(previous.docs, fresh.docs) ? previous : { docs: fresh.docs, ids: previous.ids, count: fresh.count };
    } else {
      this.#result = fresh;
    }
    return this.#result;
  }
}

function sameItems<U>(a: readonly U[], b: readonly U[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
