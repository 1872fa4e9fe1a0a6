/**
 * `transactionSpan`: where the update of a local Yjs transaction lies per
 * client, read from the transaction itself, so that a resend after a
 * reconnect need not decode every pending update to find it (`PendingWrites.rebase`).
 */
import type * as Y from 'yjs';
import type { PendingSpan } from './pending-writes.ts';

/**
 * The span of the update Yjs emits for `transaction` (call it from the
 * document's 'update' event, while the store is as that update was encoded):
 * for every client with structs past the transaction's start, from its clock
 * at the start to its clock now. The same as `Y.parseUpdateMeta(update)`
 * gives for that update (Yjs encodes it the same way), without decoding it.
 *
 * @example
 * ydoc.on('update', (update, _origin, _doc, tr) => pending.add(name, update, true, transactionSpan(tr)));
 */
export function transactionSpan(transaction: Y.Transaction): PendingSpan {
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  for (const [client, structs] of transaction.doc.store.clients) {
    const last = structs[structs.length - 1];
    if (!last) continue;
    const end = last.id.clock + last.length;
    const start = transaction.beforeState.get(client) ?? 0;
    if (end <= start) continue;
    from.set(client, start);
    to.set(client, end);
  }
  return { from, to };
}
