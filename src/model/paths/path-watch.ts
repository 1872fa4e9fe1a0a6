/**
 * Listening for every change that may affect the value at a path: events at
 * the path, below it, and at the paths above it down from its document (a
 * write that replaces or deletes a parent is reported there). Used by
 * reactive functions and filters; `Seen` tells them when a change was
 * already accounted for.
 */
import type { BusListener } from '../events/event-bus.ts';
import type { ModelStore } from '../documents/model-store.ts';

/** The bus patterns (segments) that hear every change affecting `segments`. */
export function watchPatterns(segments: readonly string[]): string[][] {
  const patterns: string[][] = [[...segments, '**']];
  for (let i = 2; i < segments.length; i++) patterns.push(segments.slice(0, i));
  return patterns;
}

/** Registers `listener` for every change affecting each of the paths; returns the function that stops it. */
export function watchPaths(store: ModelStore, paths: ReadonlyArray<readonly string[]>, listener: BusListener): () => void {
  for (const segments of paths) for (const pattern of watchPatterns(segments)) store.bus.on('all', pattern, listener);
  return () => void store.bus.off(listener);
}

/** True when a change at `changed` may affect the value at `target` (one is a prefix of the other). */
export function affects(changed: readonly string[], target: readonly string[]): boolean {
  const n = Math.min(changed.length, target.length);
  for (let i = 0; i < n; i++) if (changed[i] !== target[i]) return false;
  return true;
}

/**
 * The versions of some collections as last seen: an event about them that
 * arrives while no collection changed since (the other events of the same
 * transaction, or of one already handled) needs no new run.
 */
export class Seen {
  readonly #store: ModelStore;
  readonly #collections: readonly string[];
  #versions: Array<number | null> = [];

  constructor(store: ModelStore, collections: Iterable<string>) {
    this.#store = store;
    this.#collections = [...new Set(collections)];
  }

  /** Remembers the current versions. */
  mark(): void {
    this.#versions = this.#collections.map((collection) => this.#store.collectionVersion(collection));
  }

  /** True when none of the collections changed since `mark()`. */
  get current(): boolean {
    if (this.#versions.length !== this.#collections.length) return false;
    for (let i = 0; i < this.#collections.length; i++) {
      const version = this.#versions[i];
      if (version === null || version === undefined || version !== this.#store.collectionVersion(this.#collections[i] as string)) return false;
    }
    return true;
  }
}
