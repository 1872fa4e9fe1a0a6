/**
 * The result of a filter, kept sorted and updated one item at a time: a
 * changed item is re-tested and moved with two binary searches, instead of
 * filtering and sorting every item again. Items that sort equal keep the
 * order their keys were first seen in (the input's own order), so an
 * unsorted filter lists items in the input's order, as Racer does.
 */
import { partitionPoint } from '../../query/partition-point.ts';

/** Where an updated item was and is now in the sorted keys (-1: not a match). */
export interface IndexMove {
  readonly from: number;
  readonly to: number;
}

/** Matching keys in sort order, maintained incrementally. */
export class FilterIndex {
  /** Each match's item as it was sorted in (the comparator reads these). */
  readonly #items = new Map<string, unknown>();
  /** Every key seen, with the order it was first seen in. */
  readonly #ranks = new Map<string, number>();
  #nextRank = 0;
  #sorted: string[] = [];
  /** The items of `#sorted`, position by position (a window of them is two slices). */
  #sortedItems: unknown[] = [];
  readonly #compare: (a: string, b: string) => number;

  /** `sort` compares two items (none: the input's order). */
  constructor(sort: ((a: unknown, b: unknown) => number) | null) {
    const rank = (key: string): number => this.#ranks.get(key) ?? 0;
    this.#compare = sort
      ? (a, b) => sort(this.#items.get(a), this.#items.get(b)) || rank(a) - rank(b)
      : (a, b) => rank(a) - rank(b);
  }

  /** The matching keys in order (do not modify). */
  get keys(): readonly string[] {
    return this.#sorted;
  }

  /** The items of `keys`, in the same order (do not modify). */
  get items(): readonly unknown[] {
    return this.#sortedItems;
  }

  /** Starts over from every key of the input, in the input's order, with whether it matches. */
  reset(entries: Iterable<readonly [key: string, item: unknown, matches: boolean]>): void {
    this.#items.clear();
    this.#ranks.clear();
    this.#nextRank = 0;
    for (const [key, item, matches] of entries) {
      this.#ranks.set(key, this.#nextRank++);
      if (matches) this.#items.set(key, item);
    }
    this.#sorted = [...this.#items.keys()].sort(this.#compare);
    this.#sortedItems = this.#sorted.map((key) => this.#items.get(key));
  }

  /**
   * Re-places one key: `item` undefined when it is gone. Returns where it was
   * and where it is now, or null when nothing changed (no match before or
   * after, or a match with the very same item).
   */
  update(key: string, item: unknown, matches: boolean): IndexMove | null {
    const had = this.#items.has(key);
    if (had && matches && this.#items.get(key) === item) return null;
    let from = -1;
    let to = -1;
    if (had) {
      // Found with the item and rank it was sorted in.
      from = this.#lowerBound(key);
      this.#sorted.splice(from, 1);
      this.#sortedItems.splice(from, 1);
      this.#items.delete(key);
    }
    if (item === undefined) this.#ranks.delete(key);
    else if (!this.#ranks.has(key)) this.#ranks.set(key, this.#nextRank++);
    if (!had && !matches) return null;
    if (matches) {
      this.#items.set(key, item);
      to = this.#lowerBound(key);
      this.#sorted.splice(to, 0, key);
      this.#sortedItems.splice(to, 0, item);
    }
    return { from, to };
  }

  /** The first position whose key does not sort before `key` (its own position when it is a match). */
  #lowerBound(key: string): number {
    return partitionPoint(this.#sorted.length, (i) => this.#compare(this.#sorted[i] as string, key) < 0);
  }
}

/** True when a move changes what a window (`skip`, `limit`; 0: none) of the keys shows. */
export function movesWindow(move: IndexMove, skip: number, limit: number): boolean {
  const end = limit > 0 ? skip + limit : Infinity;
  if (move.from === move.to) return move.from >= skip && move.from < end;
  const first = Math.min(move.from < 0 ? Infinity : move.from, move.to < 0 ? Infinity : move.to);
  return first < end;
}
