/**
 * The refs and ref lists of a model by the paths they listen to (a ref's
 * target; a ref list's collection and its ids), in a trie keyed by path
 * segments. An event at a path can only be re-emitted by an entry whose path
 * is that path, above it or below it, so `related` visits the path's
 * ancestors and its subtree instead of every entry: the cost of an event
 * follows the refs it can reach, not the number of refs the model has.
 */

/** What the index reads of a ref (`kind: 'ref'`) or a ref list (`kind: 'list'`, registry.ts's entries). */
export type Listening = { readonly kind: 'ref'; readonly to: readonly string[] } | { readonly kind: 'list'; readonly to: readonly string[]; readonly ids: readonly string[] };

interface TargetNode<T> {
  readonly children: Map<string, TargetNode<T>>;
  /** The entries listening at exactly this node's path. */
  readonly entries: Set<T>;
}

function node<T>(): TargetNode<T> {
  return { children: new Map(), entries: new Set() };
}

/** The paths an entry listens to: its target, and for a ref list its ids too. */
export function listenedPaths(entry: Listening): ReadonlyArray<readonly string[]> {
  return entry.kind === 'ref' ? [entry.to] : [entry.to, entry.ids];
}

/** Refs and ref lists by the paths they listen to, remembering the order they were added in. */
export class RefTargetIndex<AnyRef extends Listening = Listening> {
  readonly #root: TargetNode<AnyRef> = node();
  /** When each entry was (last) added: `related` returns entries in this order. */
  readonly #order = new Map<AnyRef, number>();
  #next = 0;

  /** Number of entries indexed. */
  get size(): number {
    return this.#order.size;
  }

  /** Indexes an entry after every one indexed before (one indexed already moves to the end). */
  add(entry: AnyRef): void {
    this.remove(entry);
    this.#order.set(entry, this.#next++);
    for (const path of listenedPaths(entry)) this.#insert(entry, path);
  }

  /** Removes an entry; returns true when it was indexed. */
  remove(entry: AnyRef): boolean {
    if (!this.#order.delete(entry)) return false;
    for (const path of listenedPaths(entry)) this.#delete(entry, path);
    return true;
  }

  /** Moves an entry listening at `from` to listen at `to` instead (its order stays). */
  move(entry: AnyRef, from: readonly string[], to: readonly string[]): void {
    if (!this.#order.has(entry)) return;
    this.#delete(entry, from);
    this.#insert(entry, to);
  }

  /**
   * The entries listening at `segments`, at a path above it or at a path
   * below it, each once, in the order they were added.
   */
  related(segments: readonly string[]): AnyRef[] {
    const found = new Set<AnyRef>();
    let at: TargetNode<AnyRef> | undefined = this.#root;
    for (let i = 0; at !== undefined && i < segments.length; i++) {
      for (const entry of at.entries) found.add(entry);
      at = at.children.get(segments[i] as string);
    }
    if (at !== undefined) collect(at, found);
    const out = [...found];
    if (out.length > 1) out.sort((a, b) => (this.#order.get(a) as number) - (this.#order.get(b) as number));
    return out;
  }

  #insert(entry: AnyRef, path: readonly string[]): void {
    let at = this.#root;
    for (const segment of path) {
      let next = at.children.get(segment);
      if (!next) at.children.set(segment, (next = node()));
      at = next;
    }
    at.entries.add(entry);
  }

  #delete(entry: AnyRef, path: readonly string[]): void {
    const walk = (at: TargetNode<AnyRef>, i: number): void => {
      if (i === path.length) {
        at.entries.delete(entry);
        return;
      }
      const segment = path[i] as string;
      const next = at.children.get(segment);
      if (!next) return;
      walk(next, i + 1);
      if (next.entries.size === 0 && next.children.size === 0) at.children.delete(segment);
    };
    walk(this.#root, 0);
  }
}

/** Adds every entry at or below a node. */
function collect<T>(at: TargetNode<T>, found: Set<T>): void {
  for (const entry of at.entries) found.add(entry);
  for (const child of at.children.values()) collect(child, found);
}
