/**
 * The refs and ref lists of one model (Racer's `model.ref` / `model.refList`),
 * kept in a trie by their `from` path (and indexed by the paths they listen
 * to, for events), and path resolution through them: the one place where a
 * path written by the application becomes the path the value really lives at.
 */
import type { ModelStore } from '../documents/model-store.ts';
import { RefTargetIndex } from './ref-target-index.ts';

/** A ref: `from` is an alias of `to`. */
export interface RefEntry {
  readonly kind: 'ref';
  readonly from: readonly string[];
  /** `updateIndices` moves it with its array item, through `RefRegistry.retarget` (which keeps the target index right). */
  readonly to: readonly string[];
  readonly updateIndices: boolean;
  /** The last change emitted at exactly `from` (to drop the same change derived twice from one transaction). */
  last?: { readonly value: unknown; readonly previous: unknown };
  /** What stops a live source (a query's ids copy) when the ref goes. */
  readonly dispose?: (() => void) | undefined;
  /** The query this ref was made from (`query.refIds`), for bundles. */
  readonly query?: RefQuery | undefined;
}

/** A ref list: `from` is the array of the items at `to.<id>` for the ids at `ids`. */
export interface RefListEntry {
  readonly kind: 'list';
  readonly from: readonly string[];
  /** The path holding the items, keyed by id (a collection, or a local object). */
  readonly to: readonly string[];
  readonly ids: readonly string[];
  readonly deleteRemoved: boolean;
  readonly dispose?: (() => void) | undefined;
  readonly query?: RefQuery | undefined;
  /** The last list built, with the ids it was built from. */
  cache: { readonly ids: unknown; readonly items: readonly unknown[] } | null;
  /** Index of the ids array `indexIds` was built from. */
  index: { readonly ids: unknown; readonly byId: ReadonlyMap<string, readonly number[]> } | null;
}

/** The query a ref was made from (`query.ref` / `query.refIds`). */
export interface RefQuery {
  readonly collection: string;
  readonly expression: Readonly<Record<string, unknown>>;
}

/** Either kind of entry. */
export type AnyRef = RefEntry | RefListEntry;

/** Where a path resolves: a plain path, the list value of a ref list, or nowhere (an item index without an id). */
export type Resolved =
  | { readonly kind: 'path'; readonly segments: readonly string[] }
  | { readonly kind: 'list'; readonly list: RefListEntry }
  | { readonly kind: 'none'; readonly reason: string };

interface Node {
  readonly children: Map<string, Node>;
  entry: AnyRef | null;
}

const MAX_HOPS = 64;

/** The refs of one model, by `from` path. */
export class RefRegistry {
  readonly #root: Node = { children: new Map(), entry: null };
  readonly #all = new Set<AnyRef>();
  readonly #targets = new RefTargetIndex<AnyRef>();
  /** Resolutions by path that went through no ref list (those depend on ids), dropped whenever a ref changes. */
  readonly #cache = new Map<string, Resolved>();
  #throughList = false;
  /** @internal How resolution reads a ref list's ids (set once by ref-resolve.ts). */
  reader: ((segments: readonly string[]) => unknown) | null = null;

  /** Number of refs and ref lists. */
  get size(): number {
    return this.#all.size;
  }

  /** Every entry, in the order added. */
  entries(): AnyRef[] {
    return [...this.#all];
  }

  /**
   * The entries an event at `segments` can concern: those whose target (or,
   * for a ref list, collection or ids path) is that path, above it or below
   * it; in the order added, as `entries()` has them.
   */
  related(segments: readonly string[]): AnyRef[] {
    return this.#targets.related(segments);
  }

  /** Points a ref at another target (an `updateIndices` ref following its item); drops cached resolutions. */
  retarget(ref: RefEntry, to: readonly string[]): void {
    const from = ref.to;
    (ref as { to: readonly string[] }).to = to;
    if (this.#all.has(ref)) this.#targets.move(ref, from, to);
    this.invalidate();
  }

  /** The entry whose `from` is exactly `segments`. */
  at(segments: readonly string[]): AnyRef | null {
    let node: Node | undefined = this.#root;
    for (const segment of segments) {
      node = node.children.get(segment);
      if (!node) return null;
    }
    return node.entry;
  }

  /** Adds an entry (replacing one at the same path, which is returned). */
  add(entry: AnyRef): AnyRef | null {
    let node = this.#root;
    for (const segment of entry.from) {
      let next = node.children.get(segment);
      if (!next) node.children.set(segment, (next = { children: new Map(), entry: null }));
      node = next;
    }
    const old = node.entry;
    this.invalidate();
    if (old) {
      this.#all.delete(old);
      this.#targets.remove(old);
    }
    node.entry = entry;
    this.#all.add(entry);
    this.#targets.add(entry);
    return old;
  }

  /** Removes the entry at exactly `segments`; returns it. */
  remove(segments: readonly string[]): AnyRef | null {
    const entry = this.at(segments);
    if (!entry) return null;
    this.#detach(entry);
    return entry;
  }

  /** Removes every entry at or below `segments` (every entry for the empty path); returns them. */
  removeAll(segments: readonly string[]): AnyRef[] {
    const removed = this.entries().filter((entry) => segments.every((segment, i) => entry.from[i] === segment));
    for (const entry of removed) this.#detach(entry);
    return removed;
  }

  /** Drops cached resolutions (a ref was added, removed or moved). */
  invalidate(): void {
    this.#cache.clear();
  }

  /** `resolve` of a path given as a string too, cached while the refs stay as they are. */
  resolvePath(path: string, segments: readonly string[], read: (segments: readonly string[]) => unknown): Resolved {
    const hit = this.#cache.get(path);
    if (hit !== undefined) return hit;
    this.#throughList = false;
    const resolved = this.resolve(segments, read);
    if (!this.#throughList && resolved.kind === 'path') {
      if (this.#cache.size >= 10_000) this.#cache.clear();
      this.#cache.set(path, resolved);
    }
    return resolved;
  }

  #detach(entry: AnyRef): void {
    this.invalidate();
    const walk = (node: Node, i: number): void => {
      if (i === entry.from.length) {
        if (node.entry === entry) node.entry = null;
        return;
      }
      const segment = entry.from[i] as string;
      const next = node.children.get(segment);
      if (!next) return;
      walk(next, i + 1);
      if (next.entry === null && next.children.size === 0) node.children.delete(segment);
    };
    walk(this.#root, 0);
    this.#all.delete(entry);
    this.#targets.remove(entry);
  }

  /**
   * Resolves a path through refs and ref lists, repeatedly (refs to refs).
   * `list.<i>.rest` becomes `to.<ids[i]>.rest`; the list path itself is the
   * list. Throws an `Error` naming the path on a cycle.
   */
  resolve(segments: readonly string[], read: (segments: readonly string[]) => unknown): Resolved {
    let current = segments;
    for (let hop = 0; hop <= MAX_HOPS; hop++) {
      const step = this.#step(current, read);
      if (step === null) return { kind: 'path', segments: current };
      if (!Array.isArray(step)) return step as Resolved;
      current = step as readonly string[];
    }
    throw new Error(`yracer: the refs at ${segments.join('.')} form a cycle (more than ${MAX_HOPS} hops)`);
  }

  /** One resolution step: the next path, a final answer, or null when no ref applies. */
  #step(segments: readonly string[], read: (segments: readonly string[]) => unknown): readonly string[] | Resolved | null {
    let node: Node | undefined = this.#root;
    for (let i = 0; i < segments.length; i++) {
      node = node.children.get(segments[i] as string);
      if (!node) return null;
      const entry = node.entry;
      if (!entry) continue;
      if (entry.kind === 'ref') return [...entry.to, ...segments.slice(i + 1)];
      this.#throughList = true;
      if (i === segments.length - 1) return { kind: 'list', list: entry };
      const index = segments[i + 1] as string;
      const ids = read(entry.ids);
      const id = Array.isArray(ids) && /^(?:0|[1-9]\d*)$/.test(index) ? (ids as unknown[])[Number(index)] : undefined;
      if (typeof id !== 'string') {
        return { kind: 'none', reason: `the ref list ${entry.from.join('.')} has no id at index ${index}` };
      }
      return [...entry.to, id, ...segments.slice(i + 2)];
    }
    return null;
  }
}

const registries = new WeakMap<ModelStore, RefRegistry>();

/** The registry of a store, or undefined while it never had a ref. */
export function registryOf(store: ModelStore): RefRegistry | undefined {
  return registries.get(store);
}

/** The registry of a store, created on first use. */
export function ensureRegistry(store: ModelStore): RefRegistry {
  let registry = registries.get(store);
  if (!registry) registries.set(store, (registry = new RefRegistry()));
  return registry;
}
