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

function mergedMeta(existing: WriteMeta | undefined, scope: WriteScope): WriteMeta {
  if (!existing) return { passed: scope.passed, silent: scope.muted };
  // Several writes in one transaction: any non-silent write makes it heard; passed data merges.
  const passed = existing.passed === scope.passed ? existing.passed : Object.freeze({ ...existing.passed, ...scope.passed });
  return { passed, silent: existing.silent && scope.muted };
}

/**
 * Runs `fn` inside one Yjs transaction on the document, tagged as this
 * model's write, then reports completion to the callback (also when a
 * listener threw: the write itself is done).
 */
export function commit<T>(scope: WriteScope, entry: DocEntry, fn: (tr: Y.Transaction) => T, callback?: WriteCallback): T {
  const sync = entry.local ? null : scope.store.sync;
  const marker = sync ? sync.markWrite(entry) : 0;
  try {
    return Y.transact(
      entry.ydoc,
      (tr) => {
        tr.meta.set(WRITE_META, mergedMeta(tr.meta.get(WRITE_META) as WriteMeta | undefined, scope));
        return fn(tr);
      },
      scope.store.origin,
    );
  } finally {
    const finish = (): void => {
      if (callback && sync) sync.settleWrite(entry, marker, callback);
      else settle(scope, callback);
    };
    // Inside a caller's open transaction the update is not made yet: settle once it is.
    if (callback && entry.ydoc._transaction !== null) entry.ydoc.once('afterAllTransactions', finish);
    else finish();
  }
}

/** Reports completion of a write that needed no transaction: a local model calls back on the next microtask. */
export function settle(_scope: WriteScope, callback: WriteCallback | undefined): void {
  if (callback) queueMicrotask(() => callback());
}
