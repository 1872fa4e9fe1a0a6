/**
 * Queries of an in-process model (`server.createModel()`): the server's own
 * live queries, without a socket. Result documents are held through the
 * model's sync port (so they load like any subscription) before each result
 * is reported, and released when they leave the result or the query closes.
 * With a session, the query is the model's own and its result holds only
 * the documents the session may read (paged and counted after filtering, as
 * for a connection); `fetchOnly` answers once.
 */
import type { DocRef, HoldMode, ServerQuery, ServerQueryHandler, ServerQuerySpec } from '../model/documents/sync-port.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import type { SessionGuard } from './in-process-writes.ts';
import type { LiveQueries } from './live-queries.ts';
import type { LiveQuerySubscriber } from './live-query.ts';
import type { ReadFilter } from './query-readable.ts';

/** Holding documents, as the in-process sync port does it. */
export interface QueryHolds {
  hold(refs: readonly DocRef[], mode: HoldMode): Promise<void>;
  release(refs: readonly DocRef[], mode: HoldMode): Promise<void>;
}

/** Where an in-process query runs and for whom. */
export interface InProcessQueryContext {
  readonly queries: LiveQueries;
  /** The model's sync port: it holds the result's documents (and is the origin of the model's writes). */
  readonly holds: QueryHolds;
  /** The session whose read rules filter the result (none: every document). */
  readonly guard?: SessionGuard | undefined;
  /** Answer once even when subscribing (its documents are still held as subscribed). */
  readonly fetchOnly: boolean;
  /**
   * The model's live queries and how many it may hold (a model with a
   * session: the server's `maxQueries`); a live query past it gets an
   * `error` naming the limit and runs nothing. None: no limit.
   */
  readonly quota?: { readonly held: Set<object>; readonly max: number } | undefined;
}

const isRefusal = (outcome: PromiseSettledResult<void> | undefined): boolean =>
  outcome?.status === 'rejected' && outcome.reason instanceof AccessRefusedError;

/** Runs a query for an in-process model. */
export function openInProcessQuery(context: InProcessQueryContext, spec: ServerQuerySpec, handler: ServerQueryHandler): ServerQuery {
  const { queries, holds, guard } = context;
  // The port is the origin of the model's writes in the rooms.
  const peer: unknown = holds;
  const { collection, mode, expression } = spec;
  const { quota } = context;
  const live = mode === 'subscribe' && !context.fetchOnly;
  if (quota && live && quota.held.size >= quota.max) {
    const refusal = new Error(`yracer: too-many-queries: at most ${quota.max} live queries per model with a session (the server's maxQueries)`);
    // After this returns, as a server's answer would.
    queueMicrotask(() => handler.error(refusal));
    return { close: () => undefined };
  }
  const filter: ReadFilter | undefined =
    guard?.access.checksReads === true ? async (id, value) => (await guard.access.canRead(guard.session, collection, id, value)) === null : undefined;
  const refs = (ids: readonly string[]): DocRef[] => ids.map((id) => ({ collection, id }));
  const query = queries.acquire(collection, expression, filter);
  let acquired = true;
  let closed = false;
  let held: readonly string[] = [];
  let chain: Promise<void> = Promise.resolve();
  const letGo = (): void => {
    if (acquired) queries.release(query);
    acquired = false;
  };
  const apply = (): void => {
    chain = chain
      .then(async () => {
        if (closed) return;
        const result = { ids: query.ids, count: query.count };
        const before = new Set(held);
        const added = result.ids.filter((id) => !before.has(id));
        // Each document is held on its own: one the read rule refuses now (the result was read from older JSON) is left out.
        const outcomes = await Promise.allSettled(added.map((id) => holds.hold(refs([id]), mode)));
        const refused = new Set(added.filter((_id, i) => isRefusal(outcomes[i])));
        const failed = outcomes.find((outcome) => outcome.status === 'rejected' && !isRefusal(outcome));
        const kept = added.filter((_id, i) => outcomes[i]?.status === 'fulfilled');
        await holds.release(refs([...refused]), mode);
        if (failed) {
          // A failed hold keeps its count, as a refused one does: release every document this step held.
          await holds.release(refs(added.filter((id) => !refused.has(id))), mode);
          throw (failed as PromiseRejectedResult).reason;
        }
        const ids = refused.size > 0 ? result.ids.filter((id) => !refused.has(id)) : result.ids;
        const count = result.count - refused.size;
        const next = new Set(ids);
        const removed = held.filter((id) => !next.has(id));
        if (closed) {
          // close() released what was held before this step; release what the step added.
          await holds.release(refs(kept), mode);
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
  const subscriber: LiveQuerySubscriber = { peer, listener: () => apply() };
  query.ready.then(
    () => {
      if (closed) return;
      if (mode === 'subscribe' && !context.fetchOnly) query.subscribers.add(subscriber);
      apply();
      // A fetched result's documents are read above (before the query is let go).
      if (mode !== 'subscribe' || context.fetchOnly) chain = chain.finally(letGo);
    },
    (error: unknown) => {
      letGo();
      if (!closed) handler.error(new Error(`yracer: running the query failed: ${String(error)}`));
    },
  );
  const handle: ServerQuery = {
    close: () => {
      if (closed) return;
      closed = true;
      quota?.held.delete(handle);
      query.subscribers.delete(subscriber);
      letGo();
      const release = held;
      held = [];
      chain = chain.then(() => holds.release(refs(release), mode)).catch(() => undefined);
    },
  };
  if (live) quota?.held.add(handle);
  return handle;
}
