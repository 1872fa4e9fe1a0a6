/**
 * Promises that Suspense waits on: one per model and path, shared by every
 * component suspending on the same data, dropped once settled.
 */
import type { Model } from '../model/model.ts';
import type { Query } from '../model/query.ts';

/** How long a suspended load keeps its document after resolving (the mounting component subscribes meanwhile), in ms. */
const KEEP_MS = 5000;

const loads = new WeakMap<Model, Map<string, Promise<void>>>();

function shared(model: Model, key: string, start: () => Promise<void>): Promise<void> {
  let byKey = loads.get(model);
  if (!byKey) loads.set(model, (byKey = new Map()));
  const known = byKey.get(key);
  if (known) return known;
  const promise = start().finally(() => byKey.delete(key));
  byKey.set(key, promise);
  return promise;
}

/** Resolves once the document at `path` is loaded (fetching it, and keeping it a few seconds for the component that mounts next). */
export function whenDocLoaded(model: Model, path: string): Promise<void> {
  return shared(model, `doc:${path}`, async () => {
    await model.fetch(path);
    const timer = setTimeout(() => void model.unfetch(path), KEEP_MS);
    (timer as { unref?: () => void }).unref?.();
  });
}

/** Resolves once the server answered the query (fetching it, and keeping its documents a few seconds for the component that mounts next). */
export function whenQueryComplete(model: Model, query: Query<unknown>): Promise<void> {
  return shared(model, `query:${query.collection}:${JSON.stringify(query.expression)}`, async () => {
    await query.fetch();
    const timer = setTimeout(() => void query.unfetch(), KEEP_MS);
    (timer as { unref?: () => void }).unref?.();
  });
}
