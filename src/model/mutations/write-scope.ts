/**
 * What every mutation needs besides its arguments: the store, the data passed
 * with `model.pass()`, whether events are silenced, and how to report that the
 * write is stored.
 */
import * as Y from 'yjs';
import { schemaProblem } from '../../schema/validate-document.ts';
import type { DocEntry } from '../documents/doc-entry.ts';
import { documentValue } from '../paths/document-value.ts';
import { REFUSED_WRITE } from '../documents/local-updates.ts';
import type { Passed } from '../events/model-event.ts';
import { WRITE_META, type ModelStore, type WriteMeta } from '../documents/model-store.ts';

import type { WriteCallback } from './write-callback.ts';

export type { WriteCallback } from './write-callback.ts';

/**
 * The callback of `add`: as a write's callback, with the new document's id
 * (also when the write failed), as Racer passes it.
 */
export type AddCallback = (error: Error | undefined, id: string) => void;

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
  const { schema } = scope.store;
  // With a schema for the collection, the state before the write is kept to undo a refused one.
  const checked = schema?.[entry.collection] !== undefined && !entry.local && entry.ydoc._transaction === null;
  const before = checked ? Y.encodeStateAsUpdate(entry.ydoc) : null;
  let problem: string | null = null;
  try {
    return Y.transact(
      entry.ydoc,
      (tr) => {
        const meta = mergedMeta(tr.meta.get(WRITE_META) as WriteMeta | undefined, scope);
        tr.meta.set(WRITE_META, meta);
        const result = fn(tr);
        if (checked) {
          const found = schemaProblem(schema, entry.collection, entry.id, documentValue(entry.ydoc));
          if (typeof found === 'string') {
            problem = found;
            tr.meta.set(REFUSED_WRITE, true);
            tr.meta.set(WRITE_META, { ...meta, silent: true });
          }
        }
        return result;
      },
      scope.store.origin,
    );
  } finally {
    if (problem !== null && before) {
      scope.store.replaceDoc(entry.collection, entry.id, before, false);
      // eslint-disable-next-line no-unsafe-finally -- the refused write must throw instead of returning
      throw new TypeError(`yracer: ${problem as string}`);
    }
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
