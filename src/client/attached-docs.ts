/**
 * The documents attached to a sync client: by name, with the listener of
 * each one's local updates, and a count of its local writes (the marker
 * `SyncPort.markWrite` returns).
 */
import * as Y from 'yjs';
import type { DocEntry } from '../model/documents/doc-entry.ts';
import { onLocalUpdates } from '../model/documents/local-updates.ts';
import { LOAD_ORIGIN } from '../model/documents/model-store.ts';
import { docName } from '../protocol/doc-name.ts';
import { TAB_ORIGIN } from './offline-cache.ts';
import type { PendingSpan } from './pending-writes.ts';
import { REMOTE_ORIGIN } from './server-state.ts';
import { transactionSpan } from './transaction-span.ts';

/** The state vector of an empty document. */
const EMPTY_STATE_VECTOR = new Uint8Array([0]);

/** Origins of transactions that are not this model's own writes. */
const SYNC_ORIGINS: readonly unknown[] = [REMOTE_ORIGIN, LOAD_ORIGIN, TAB_ORIGIN];

/**
 * Tracks the attached documents and their local writes.
 *
 * @example
 * const docs = new AttachedDocs(() => closed);
 * docs.attach(entry, (name, update) => send(name, update));
 */
export class AttachedDocs {
  readonly #closed: () => boolean;
  readonly #entries = new Map<string, DocEntry>();
  /** Per attached document, what removes its listeners. */
  readonly #handlers = new Map<DocEntry, () => void>();
  readonly #writes = new WeakMap<Y.Doc, number>();

  /** `closed`: true once the client is closed (local updates are ignored from then on). */
  constructor(closed: () => boolean) {
    this.#closed = closed;
  }

  /** The attached document of a name, if any. */
  get(name: string): DocEntry | undefined {
    return this.#entries.get(name);
  }

  /**
   * Attaches a document: each local update (not one from the server, storage
   * or another tab) is counted, then handed to `onLocal` with its span (read
   * from its transaction: `transactionSpan`; null when Yjs gave none).
   */
  attach(entry: DocEntry, onLocal: (name: string, update: Uint8Array, span: PendingSpan | null) => void): void {
    const name = docName(entry.collection, entry.id);
    this.#entries.set(name, entry);
    const ydoc = entry.ydoc;
    const stop = onLocalUpdates(ydoc, SYNC_ORIGINS, (update, _origin, transaction) => {
      if (this.#closed()) return;
      this.#writes.set(ydoc, (this.#writes.get(ydoc) ?? 0) + 1);
      onLocal(name, update, transaction ? transactionSpan(transaction) : null);
    });
    this.#handlers.set(entry, stop);
  }

  /** Detaches a document (its listener is removed). */
  detach(entry: DocEntry): void {
    this.#handlers.get(entry)?.();
    this.#handlers.delete(entry);
    const name = docName(entry.collection, entry.id);
    if (this.#entries.get(name) === entry) this.#entries.delete(name);
  }

  /** The state vector of the attached document of a name (that of an empty document when none is attached). */
  stateVector(name: string): Uint8Array {
    const entry = this.#entries.get(name);
    return entry ? Y.encodeStateVector(entry.ydoc) : EMPTY_STATE_VECTOR;
  }

  /** How many local writes the document has had (a marker: unchanged means no write since). */
  writeCount(entry: DocEntry): number {
    return this.#writes.get(entry.ydoc) ?? 0;
  }
}
