/**
 * The documents matching a query, kept sorted and updated one document at a
 * time: a change re-tests only the changed document and moves it with two
 * binary searches, instead of filtering and sorting the whole collection.
 */
import { sortComparator } from '../../query/evaluate-query.ts';
import { matchesQuery } from '../../query/match-query.ts';
import type { QueryExpression } from '../../query/query-expression.ts';
import { partitionPoint } from '../../query/partition-point.ts';

/** Matching documents in `$sort` order (ties by id), maintained incrementally. */
export class SortedMatches {
  readonly #expression: QueryExpression;
  /** Each member's value as it was sorted in (the comparator reads these). */
  readonly #values = new Map<string, unknown>();
  readonly #compare: (a: string, b: string) => number;
  #sorted: string[] = [];

  constructor(expression: QueryExpression) {
    this.#expression = expression;
    this.#compare = sortComparator(expression, (id) => this.#values.get(id));
  }

  /** The matching ids in order (do not modify). */
  get ids(): readonly string[] {
    return this.#sorted;
  }

  /** True when the document is among the matches. */
  has(id: string): boolean {
    return this.#values.has(id);
  }

  /** Starts over from a set of candidate documents. */
  reset(entries: Iterable<readonly [string, unknown]>): void {
    this.#values.clear();
    for (const [id, value] of entries) if (value !== undefined && matchesQuery(value, this.#expression)) this.#values.set(id, value);
    this.#sorted = [...this.#values.keys()].sort(this.#compare);
  }

  /**
   * Re-tests one document (`undefined`: gone, or no longer a candidate).
   * Returns where it was and where it is now (-1: not a match), or null when
   * nothing changed (not a match before or after, or the same value).
   */
  update(id: string, value: unknown): { readonly from: number; readonly to: number } | null {
    const had = this.#values.has(id);
    const matches = value !== undefined && matchesQuery(value, this.#expression);
    if (!had && !matches) return null;
    if (had && matches && this.#values.get(id) === value) return null;
    let from = -1;
    let to = -1;
    if (had) {
      from = this.#lowerBound(id);
      this.#sorted.splice(from, 1);
      this.#values.delete(id);
    }
    if (matches) {
      this.#values.set(id, value);
      to = this.#lowerBound(id);
      this.#sorted.splice(to, 0, id);
    }
    return { from, to };
  }

  /** The first position whose id does not sort before `id` (its own position when it is a member). */
  #lowerBound(id: string): number {
    return partitionPoint(this.#sorted.length, (i) => this.#compare(this.#sorted[i] as string, id) < 0);
  }
}
