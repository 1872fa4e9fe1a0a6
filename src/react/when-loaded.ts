/**
 * Promises that Suspense waits on (`use(promise)` in `useDoc` and
 * `useQuery`): one per model and key, shared by every component suspending
 * on the same data.
 *
 * A suspending hook calls `use()` on every render, not only while it waits:
 * React (dev) reports a component that suspended in `use()` and then
 * finished a render without calling it. So a settled promise stays here
 * while its hold keeps the data (a render retried after suspending gets the
 * very promise it suspended on: React reports a different one as
 * uncached), and a hook with nothing to wait for gets `READY`. Both carry
 * the `status` fields `use()` reads, so it returns at once.
 */
import type { Model } from '../model/model.ts';
import type { Query } from '../model/queries/query.ts';

/** How long a suspended load keeps its data after settling (the mounting component subscribes meanwhile), in ms. */
const KEEP_MS = 5000;

/** A promise with the fields React's `use()` reads to return without suspending. */
type Tracked = Promise<void> & { status?: 'pending' | 'fulfilled' | 'rejected'; value?: undefined; reason?: unknown };

/** A wait in progress or settled: its promise, and whether it settled. */
interface Wait {
  readonly promise: Tracked;
  settled: boolean;
}

/** What a hook passes to `use()` when it has nothing to wait for. */
const READY: Tracked = Object.assign(Promise.resolve(), { status: 'fulfilled' as const, value: undefined });

const waits = new WeakMap<Model, Map<string, Wait>>();

/**
 * The promise for `key`: the wait under way or settled (kept while its data
 * is held), else `READY` when `ready`, else a new wait. `start` loads the
 * data and returns the function that releases what it holds.
 */
function waitFor(model: Model, key: string, ready: boolean, start: () => Promise<() => void>): Promise<void> {
  let byKey = waits.get(model);
  if (!byKey) waits.set(model, (byKey = new Map()));
  const known = byKey.get(key);
  if (known && (known.settled || !ready)) return known.promise;
  if (ready) return READY;
  const map = byKey;
  const later = (fn: () => void): void => {
    const timer = setTimeout(() => {
      if (map.get(key) === wait) map.delete(key);
      fn();
    }, KEEP_MS);
    (timer as { unref?: () => void }).unref?.();
  };
  const promise: Tracked = start().then(
    (release) => {
      Object.assign(promise, { status: 'fulfilled', value: undefined });
      wait.settled = true;
      later(release);
    },
    (error: unknown) => {
      Object.assign(promise, { status: 'rejected', reason: error });
      wait.settled = true;
      later(() => undefined);
      throw error;
    },
  );
  const wait: Wait = { promise, settled: false };
  map.set(key, wait);
  return promise;
}

/**
 * What `useDoc` suspends on: resolves once the document at `path` is loaded
 * (fetching it, and keeping it a few seconds for the component that mounts
 * next). `ready`: the hook has a value to show (nothing new is fetched).
 */
export function whenDocLoaded(model: Model, path: string, ready: boolean): Promise<void> {
  return waitFor(model, `doc:${path}`, ready, async () => {
    await model.fetch(path);
    return () => void model.unfetch(path);
  });
}

/**
 * What `useQuery` suspends on: resolves once the server answered the query,
 * or an offline store gave its stored result (fetching it, and keeping its
 * documents a few seconds for the component that mounts next). `ready`: the
 * hook has the result to show (nothing new is fetched).
 */
export function whenQueryComplete(model: Model, query: Query<unknown>, ready: boolean): Promise<void> {
  return waitFor(model, `query:${query.collection}:${JSON.stringify(query.expression)}`, ready, async () => {
    await query.fetch();
    return () => void query.unfetch();
  });
}
