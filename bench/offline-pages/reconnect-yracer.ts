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

/** Wall-clock times (ms) of the page's reconnect after the edits: the socket opening, the first update frame sent on it, every edit acknowledged. */
const wall = (): number => performance.timeOrigin + performance.now();
const marks: Record<string, number> = {};
let edited = false;
const Native = globalThis.WebSocket;
globalThis.WebSocket = class extends Native {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    // Registered before the client's own `onopen`: it runs first.
    this.addEventListener('open', () => {
      if (edited && marks['open'] === undefined) marks['open'] = wall();
    });
  }

  override send(data: string | ArrayBuffer | Blob | ArrayBufferView<ArrayBuffer>): void {
    if (marks['open'] !== undefined && marks['sent'] === undefined && typeof data !== 'string' && !(data instanceof Blob) && data.byteLength > 1000) marks['sent'] = wall();
    super.send(data);
  }
};

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
      edited = true;
      return performance.now() - started;
    },
    nothingPending: () => model.whenNothingPending().then(() => void (marks['acked'] = wall())),
    marks: () => marks,
    count(n) {
      let found = 0;
      for (let i = 0; i < n; i++) if (model.get(`${path}.k${i}`) === i) found++;
      return found;
    },
  });
});
