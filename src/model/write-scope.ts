/**
 * What every mutation needs besides its arguments: the store, the data passed
 * with `model.pass()`, whether events are silenced, and how to report that the
 * write is stored.
 */
import * as Y from 'yjs';
import type { DocEntry } from './doc-entry.ts';
import type { Passed } from './model-event.ts';
import { WRITE_META, type ModelStore, type WriteMeta } from './model-store.ts';

/** Called once a write is stored (by the server when synced), or with the error that stopped it. */
export type WriteCallback = (error?: Error) => void;

/** The context of one mutation call. */
export interface WriteScope {
  readonly store: ModelStore;
  readonly passed: Passed;
  /** True when the write emits no events on this model. */
  readonly muted: boolean;
}

/** Runs `fn` inside one Yjs transaction on the document, tagged as this model's write. */
export function commit<T>(scope: WriteScope, entry: DocEntry, fn: (tr: Y.Transaction) => T): T {
  const meta: WriteMeta = { passed: scope.passed, silent: scope.muted };
  return Y.transact(
    entry.ydoc,
    (tr) => {
      tr.meta.set(WRITE_META, meta);
      return fn(tr);
    },
    scope.store.origin,
  );
}

/** Reports completion of a write to its callback: a local model calls back on the next microtask. */
export function settle(_scope: WriteScope, callback: WriteCallback | undefined): void {
  if (callback) queueMicrotask(() => callback());
}
