/**
 * A document's JSON value kept up to date incrementally: after each
 * transaction only the changed types (and their ancestors) are rebuilt, and
 * unchanged subtrees keep their identity (the model's `SnapshotCache`). So
 * reading the value after a change costs in proportion to the change, and
 * two values compare quickly (`jsonEqual` stops at shared subtrees). The
 * values are shared: nothing may modify them.
 */
import type * as Y from 'yjs';
import { DATA_ROOT, hasLiveKey } from '../model/documents/doc-entry.ts';
import { SnapshotCache } from '../model/paths/snapshot-cache.ts';

/** The live JSON value of one document. */
export class CachedValue {
  readonly #doc: Y.Doc;
  readonly #cache = new SnapshotCache(false);
  readonly #onTransaction = (transaction: Y.Transaction): void => {
    for (const type of transaction.changed.keys()) this.#cache.invalidate(type);
  };

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    doc.on('afterTransaction', this.#onTransaction);
  }

  /** The document's value (undefined when its data map is empty: it does not exist). */
  value(): unknown {
    const root = this.#doc.getMap(DATA_ROOT);
    return hasLiveKey(root) ? this.#cache.read(root) : undefined;
  }

  /** Stops following the document. */
  destroy(): void {
    this.#doc.off('afterTransaction', this.#onTransaction);
  }
}
