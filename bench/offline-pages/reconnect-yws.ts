/**
 * Reconnect, y-websocket baseline: a `Y.Doc` with a `WebsocketProvider`
 * (y-websocket 3.1.0, `maxBackoffTime` as given, no BroadcastChannel), no
 * offline persistence; its map `data` gets a title once synced, and an edit
 * is `data.set('k<i>', i)`. Exposes `window.bench` (ReconnectPage).
 * URL parameters: `server` (ws:// URL, through the bench's outage proxy),
 * `doc` (the room), `backoff` (ms).
 */
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { exposeReconnectPage, nextTask, reportErrors, until } from './shared.ts';
import { params } from './list.tsx';

reportErrors(async () => {
  const p = params();
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(p.get('server'), p.get('doc'), doc, { maxBackoffTime: Number(p.get('backoff')), disableBc: true });
  await until(() => provider.synced, 10_000, 'synced');
  const map = doc.getMap('data');
  map.set('title', 'reconnect');
  exposeReconnectPage({
    state: () => (provider.wsconnected && provider.synced ? 'online' : 'offline'),
    async edit(n) {
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        map.set(`k${i}`, i);
        await nextTask();
      }
      return performance.now() - started;
    },
    nothingPending: () => null,
    count(n) {
      let found = 0;
      for (let i = 0; i < n; i++) if (map.get(`k${i}`) === i) found++;
      return found;
    },
  });
});
