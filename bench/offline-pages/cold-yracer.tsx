/**
 * Cold start, yracer: a model whose offline store (`indexedDbStore`, one
 * database) was seeded by seed-yracer.ts, pointed at a server that is down;
 * React renders the query `items {}` through `useQuery` (the hook subscribes
 * the query; with a store it loads the documents of the stored result).
 * URL parameters: `server` (a dead ws:// URL), `name` (the store), `n`.
 */
import { createRoot } from 'react-dom/client';
import { createModel } from '../../src/index.ts';
import { indexedDbStore } from '../../src/client/indexeddb-store.ts';
import { SyncProvider, useQuery } from '../../src/react/index.ts';
import { ItemList, mark, params, type Item } from './list.tsx';

mark('script');
const p = params();
const expected = Number(p.get('n'));
const model = createModel({ url: p.get('server'), offline: indexedDbStore({ name: p.get('name') }) });
mark('model');

function App() {
  const [items, , info] = useQuery<Item>('items', {});
  return <ItemList items={items} ids={info.ids} expected={expected} />;
}

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
createRoot(root).render(
  <SyncProvider model={model}>
    <App />
  </SyncProvider>,
);
