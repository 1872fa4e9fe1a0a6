/**
 * Reconnect, yracer: a model with an offline store (`indexedDbStore`) and a
 * short reconnect backoff, subscribed to `items.<doc>` (created with a
 * title, stored by the server), exposing `window.bench` (ReconnectPage).
 * An edit is `model.set('items.<doc>.k<i>', i)`.
 * URL parameters: `server` (ws:// URL, through the bench's outage proxy),
 * `name` (the store), `doc`, `backoff` (ms).
 */
import { createModel } from '../../src/index.ts';
import { indexedDbStore } from '../../src/client/indexeddb-store.ts';
import { exposeReconnectPage, nextTask, reportErrors, until } from './shared.ts';
import { params } from './list.tsx';

reportErrors(async () => {
  const p = params();
  const path = `items.${p.get('doc')}`;
  const backoff = Number(p.get('backoff'));
  const store = indexedDbStore({ name: p.get('name') });
  const model = createModel({ url: p.get('server'), offline: store, backoff: { baseMs: backoff, maxMs: backoff } });
  await model.subscribe(path);
  model.set(path, { title: 'reconnect' });
  await model.whenNothingPending();
  await until(() => model.connection.state === 'online', 10_000, 'online');
  exposeReconnectPage({
    state: () => model.connection.state,
    async edit(n) {
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        model.set(`${path}.k${i}`, i);
        await nextTask();
      }
      await store.flush();
      return performance.now() - started;
    },
    nothingPending: () => model.whenNothingPending(),
    count(n) {
      let found = 0;
      for (let i = 0; i < n; i++) if (model.get(`${path}.k${i}`) === i) found++;
      return found;
    },
  });
});
