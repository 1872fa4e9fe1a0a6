/**
 * Queries of an in-process model (`server.createModel()`): the server's own
 * live queries, without a socket. Result documents are held through the
 * model's sync port (so they load like any subscription) before each result
 * is reported, and released when they leave the result or the query closes.
 */
import type { DocRef, HoldMode, ServerQuery, ServerQueryHandler, ServerQuerySpec } from '../model/sync-port.ts';
import type { LiveQueries } from './live-queries.ts';
import type { LiveQuerySubscriber } from './live-query.ts';

/** Holding documents, as the in-process sync port does it. */
export interface QueryHolds {
  hold(refs: readonly DocRef[], mode: HoldMode): Promise<void>;
  release(refs: readonly DocRef[], mode: HoldMode): Promise<void>;
}

/** Runs a query for an in-process model. */
export function openInProcessQuery(queries: LiveQueries, holds: QueryHolds, spec: ServerQuerySpec, handler: ServerQueryHandler): ServerQuery {
  // The port is the origin of the model's writes in the rooms.
  const peer: unknown = holds;
  const { collection, mode } = spec;
  const refs = (ids: readonly string[]): DocRef[] => ids.map((id) => ({ collection, id }));
  const query = queries.acquire(collection, spec.expression);
  let acquired = true;
  let closed = false;
  let held: readonly string[] = [];
  let chain: Promise<void> = Promise.resolve();
  const letGo = (): void => {
    if (acquired) queries.release(query);
    acquired = false;
  };
  const apply = (ids: readonly string[], count: number): void => {
    chain = chain
      .then(async () => {
        if (closed) return;
        const before = new Set(held);
        const next = new Set(ids);
        const added = ids.filter((id) => !before.has(id));
        const removed = held.filter((id) => !next.has(id));
        await holds.hold(refs(added), mode);
        if (closed) {
          // close() released what was held before this step; release what the step added.
          await holds.release(refs(added), mode);
          return;
        }
        // From here `held` is the new result, so a close() during the release below releases exactly that.
        held = [...ids];
        await holds.release(refs(removed), mode);
        if (closed) return;
        handler.result(ids, count);
      })
      .catch((error: unknown) => handler.error(error instanceof Error ? error : new Error(String(error))));
  };
  const subscriber: LiveQuerySubscriber = { peer, listener: (_ops, ids, count) => apply(ids, count) };
  query.ready.then(
    () => {
      if (closed) return;
      if (mode === 'subscribe') query.subscribers.add(subscriber);
      else letGo();
      apply(query.ids, query.count);
    },
    (error: unknown) => {
      letGo();
      if (!closed) handler.error(new Error(`yracer: running the query failed: ${String(error)}`));
    },
  );
  return {
    close: () => {
      if (closed) return;
      closed = true;
      query.subscribers.delete(subscriber);
      letGo();
      const release = held;
      held = [];
      chain = chain.then(() => holds.release(refs(release), mode)).catch(() => undefined);
    },
  };
}
