/**
 * Listeners registered by path pattern: added and removed by function, and
 * found for a path in the order they were added. The event bus and the
 * conflict tracker both keep their listeners here.
 */
import { PatternTrie } from './pattern-trie.ts';

/** One registration of a listener (`X`: what else the owner keeps with it). */
export type Registration<F, X extends object = object> = X & {
  readonly segments: readonly string[];
  readonly fn: F;
  readonly seq: number;
  /** False once removed (a delivery in progress skips it). */
  active: boolean;
};

/** Listeners of type `F`, each registered with a pattern and the extra fields `X`. */
export class ListenerRegistry<F, X extends object = object> {
  readonly #trie = new PatternTrie<Registration<F, X>>();
  readonly #byFn = new Map<F, Set<Registration<F, X>>>();
  #seq = 0;

  /** Registers `fn` for paths matching the pattern segments. */
  add(segments: readonly string[], fn: F, extra: X): void {
    const registration = { ...extra, segments, fn, seq: this.#seq++, active: true } as Registration<F, X>;
    this.#trie.add(segments, registration);
    let set = this.#byFn.get(fn);
    if (!set) this.#byFn.set(fn, (set = new Set()));
    set.add(registration);
  }

  /** Removes every registration of `fn`; returns true when there was one. */
  remove(fn: F): boolean {
    const set = this.#byFn.get(fn);
    if (!set) return false;
    for (const registration of set) {
      registration.active = false;
      this.#trie.delete(registration.segments, registration);
    }
    this.#byFn.delete(fn);
    return true;
  }

  /** Number of registrations. */
  get size(): number {
    let n = 0;
    for (const set of this.#byFn.values()) n += set.size;
    return n;
  }

  /** Removes every registration. */
  clear(): void {
    for (const fn of [...this.#byFn.keys()]) this.remove(fn);
  }

  /** The registrations matching a path (that pass `filter`), in the order they were added, with their captures. */
  matches(segments: readonly string[], filter?: (registration: Registration<F, X>) => boolean): Array<[Registration<F, X>, string[]]> {
    const found: Array<[Registration<F, X>, string[]]> = [];
    this.#trie.match(segments, (registration, captures) => {
      if (!filter || filter(registration)) found.push([registration, captures]);
    });
    if (found.length > 1) found.sort((a, b) => a[0].seq - b[0].seq);
    return found;
  }
}
