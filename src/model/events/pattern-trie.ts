/**
 * A trie of path patterns, so that matching an event path against many
 * listeners costs about the depth of the path, not the number of listeners.
 * Patterns are dotted paths where `*` matches one segment and a trailing `**`
 * matches zero or more segments.
 */

interface Node<T> {
  children: Map<string, Node<T>>;
  star: Node<T> | null;
  exact: Set<T>;
  rest: Set<T>;
}

const node = <T>(): Node<T> => ({ children: new Map(), star: null, exact: new Set(), rest: new Set() });

/** Why a pattern is malformed, or null. */
export function patternProblem(segments: readonly string[]): string | null {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '') return 'it has an empty segment';
    if (segment === '**' && i !== segments.length - 1) return '"**" may only be the last segment';
    if (segment !== '*' && segment !== '**' && segment?.includes('*')) {
      return `"${segment}" mixes "*" with other characters`;
    }
  }
  return null;
}

/** A set of values keyed by path pattern. */
export class PatternTrie<T> {
  readonly #root: Node<T> = node();

  /** Adds a value under a pattern (segments already validated). */
  add(segments: readonly string[], value: T): void {
    let current = this.#root;
    for (const segment of segments) {
      if (segment === '**') {
        current.rest.add(value);
        return;
      }
      if (segment === '*') {
        current.star ??= node();
        current = current.star;
      } else {
        let next = current.children.get(segment);
        if (!next) {
          next = node();
          current.children.set(segment, next);
        }
        current = next;
      }
    }
    current.exact.add(value);
  }

  /** Removes a value from a pattern; returns true when it was there. */
  delete(segments: readonly string[], value: T): boolean {
    const walk = (current: Node<T>, i: number): boolean => {
      const segment = segments[i];
      if (segment === undefined) return current.exact.delete(value);
      if (segment === '**') return current.rest.delete(value);
      const next = segment === '*' ? current.star : current.children.get(segment);
      if (!next) return false;
      const removed = walk(next, i + 1);
      if (removed && isEmpty(next)) {
        if (segment === '*') current.star = null;
        else current.children.delete(segment);
      }
      return removed;
    };
    return walk(this.#root, 0);
  }

  /** Calls `visit(value, captures)` for every value whose pattern matches the path. */
  match(path: readonly string[], visit: (value: T, captures: string[]) => void): void {
    const walk = (current: Node<T>, i: number, captures: string[]): void => {
      if (current.rest.size > 0) {
        const rest = path.slice(i).join('.');
        for (const value of current.rest) visit(value, [...captures, rest]);
      }
      if (i === path.length) {
        for (const value of current.exact) visit(value, captures);
        return;
      }
      const segment = path[i] as string;
      const next = current.children.get(segment);
      if (next) walk(next, i + 1, captures);
      if (current.star) walk(current.star, i + 1, [...captures, segment]);
    };
    walk(this.#root, 0, []);
  }
}

function isEmpty<T>(n: Node<T>): boolean {
  return n.children.size === 0 && n.star === null && n.exact.size === 0 && n.rest.size === 0;
}
