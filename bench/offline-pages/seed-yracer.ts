/**
 * Seeds the yracer variant, online against a running yracer server: creates
 * `items.<id>` for the `n` ids, waits until the server stored them, runs the
 * query `items {}` until the server answered (its result is stored), then
 * flushes and closes the store. Sets `window.__seeded` when done.
 * URL parameters: `server` (ws:// URL), `name` (the store), `n`.
 */
import { createModel } from '../../src/index.ts';
import { indexedDbStore } from '../../src/client/indexeddb-store.ts';
import { itemFields, itemIds, reportErrors, until } from './shared.ts';
import { params } from './list.tsx';

reportErrors(async () => {
  const p = params();
  const n = Number(p.get('n'));
  const store = indexedDbStore({ name: p.get('name') });
  const model = createModel({ url: p.get('server'), offline: store });
  const started = performance.now();
  const ids = itemIds(n);
  await model.subscribe(...ids.map((id) => `items.${id}`));
  ids.forEach((id, i) => model.set(`items.${id}`, itemFields(i)));
  await model.whenNothingPending();
  const query = model.query('items', {});
  await query.subscribe();
  await until(() => query.status === 'complete' && query.getIds().length === n, 60_000, 'the server\'s query result');
  const stored = query.getIds().length;
  await store.flush();
  model.close();
  await store.close();
  (globalThis as { __seeded?: unknown }).__seeded = { ms: performance.now() - started, ids: stored };
});
