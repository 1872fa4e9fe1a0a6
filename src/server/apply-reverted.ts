/**
 * Integrating an update and undoing it at once, keeping nothing of its
 * content: what the server does with a refused update of a stock
 * y-websocket client.
 *
 * A stock client keeps its refused change and numbers its later changes
 * after it, so a server that only dropped the refused update could never
 * apply anything that client sends later. Taking the update and reverting it
 * (with Yjs's own undo, which deletes what the update inserted and recreates
 * what it deleted) keeps the document's value and gives the client, once it
 * receives the result, the server's value back. Everything deleted on the way
 * is then garbage-collected, so neither storage nor any peer gets the
 * refused content: only its ids, as deleted.
 */
import * as Y from 'yjs';

/** Origin of the transaction that applies the refused update. */
const REFUSED_ORIGIN: unique symbol = Symbol('yracer-server:refused');

/**
 * Applies `update` to `doc` and reverts it in the same synchronous step;
 * returns the update that takes a peer from `doc`'s state before to its
 * state after (the refused structs as deleted, plus the revert). Throws
 * when the update cannot be applied (the document may be damaged then).
 */
export function applyReverted(doc: Y.Doc, update: Uint8Array): Uint8Array {
  const before = Y.encodeStateVector(doc);
  const undo = new Y.UndoManager(doc, { trackedOrigins: new Set([REFUSED_ORIGIN]), captureTimeout: 0 });
  const touched: Array<ReturnType<typeof Y.createDeleteSet>> = [];
  try {
    Y.applyUpdate(doc, update, REFUSED_ORIGIN);
    // What the update inserted and deleted (nothing when it changed nothing).
    const refused = undo.undoStack[0];
    if (refused) {
      touched.push(refused.insertions, refused.deletions);
      undo.undo();
      // What the revert deleted: the update's own content.
      const revert = undo.redoStack[0];
      if (revert) touched.push(revert.deletions);
    }
  } finally {
    undo.clear(true, true);
    undo.destroy();
  }
  if (touched.length > 0) {
    // The undo manager kept deleted content (for undo and redo); nothing of it may stay.
    const all = Y.mergeDeleteSets(touched);
    Y.transact(doc, (transaction) => {
      Y.iterateDeletedStructs(transaction, all, (struct) => {
        if (struct instanceof Y.Item) struct.keep = false;
      });
    });
    Y.tryGc(all, doc.store, () => true);
  }
  return Y.encodeStateAsUpdate(doc, before);
}
