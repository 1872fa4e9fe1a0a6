/**
 * `onLocalUpdates`: the Yjs updates of a document's own (local) transactions.
 */
import type * as Y from 'yjs';

/** `transaction.meta` key set on a local write the schema refused (its update is not sent). */
export const REFUSED_WRITE = 'yracer:refused';

/**
 * Calls `fn` with the update of every transaction on `ydoc` whose origin is
 * not one of `ignored` (the sync layer's own origins: remote and load), and
 * with the transaction (called while the document is as that update was
 * encoded; Yjs always passes it, undefined only if a caller of `emit` did not).
 * Yjs encodes an update for every transaction while an 'update' listener
 * exists, so the listener is attached only while such a transaction runs:
 * updates arriving from elsewhere are not encoded again. Returns the stop
 * function.
 */
export function onLocalUpdates(
  ydoc: Y.Doc,
  ignored: readonly unknown[],
  fn: (update: Uint8Array, origin: unknown, transaction: Y.Transaction | undefined) => void,
): () => void {
  const onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction | undefined): void => {
    // A write the schema refused is undone by replacing the document: never sent.
    if (!ignored.includes(origin) && tr?.meta.get(REFUSED_WRITE) !== true) fn(update, origin, tr);
  };
  let listening = false;
  const onBegin = (tr: Y.Transaction): void => {
    if (listening || ignored.includes(tr.origin)) return;
    listening = true;
    ydoc.on('update', onUpdate);
  };
  const onEnd = (): void => {
    if (!listening) return;
    listening = false;
    ydoc.off('update', onUpdate);
  };
  ydoc.on('beforeTransaction', onBegin);
  ydoc.on('afterAllTransactions', onEnd);
  return () => {
    ydoc.off('beforeTransaction', onBegin);
    ydoc.off('afterAllTransactions', onEnd);
    ydoc.off('update', onUpdate);
  };
}
