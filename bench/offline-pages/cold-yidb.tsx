/**
 * Cold start, y-indexeddb: one `Y.Doc` with one `IndexeddbPersistence`
 * (one IndexedDB database) per item, seeded by seed-yidb.ts; React renders
 * the items once every `whenSynced` resolved. The page is given the list of
 * ids (an app would have to keep it somewhere; yracer reads it from the
 * stored query result). URL parameters: `name` (database name prefix), `n`.
 */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { itemIds } from './shared.ts';
import { ItemList, mark, params, type Item } from './list.tsx';

mark('script');
const p = params();
const expected = Number(p.get('n'));
const prefix = p.get('name');
const ids = itemIds(expected);
const docs = ids.map((id) => {
  const doc = new Y.Doc();
  return { doc, persistence: new IndexeddbPersistence(`${prefix}-${id}`, doc) };
});
mark('opened');
const synced = Promise.all(docs.map(({ persistence }) => persistence.whenSynced)).then(() => {
  mark('synced');
  return docs.map(({ doc }) => doc.getMap('data').toJSON() as Item);
});

function App() {
  const [items, setItems] = useState<readonly Item[]>([]);
  useEffect(() => {
    void synced.then(setItems);
  }, []);
  return <ItemList items={items} ids={ids} expected={expected} />;
}

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
createRoot(root).render(<App />);
