/**
 * Seeds the y-indexeddb variant: `n` databases `<name>-<id>`, each a Y.Doc
 * whose map `data` holds the item's fields; closes them, then opens each
 * again to check it was stored. Sets `window.__seeded` when done.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { itemFields, itemIds, reportErrors } from './shared.ts';
import { params } from './list.tsx';

reportErrors(async () => {
  const p = params();
  const n = Number(p.get('n'));
  const prefix = p.get('name');
  const started = performance.now();
  await Promise.all(
    itemIds(n).map(async (id, i) => {
      const doc = new Y.Doc();
      const persistence = new IndexeddbPersistence(`${prefix}-${id}`, doc);
      await persistence.whenSynced;
      const map = doc.getMap('data');
      doc.transact(() => {
        for (const [key, value] of Object.entries(itemFields(i))) map.set(key, value);
      });
      await persistence.destroy(); // closes the database once its transactions committed
      doc.destroy();
    }),
  );
  // y-indexeddb exposes no promise for its writes: read every database back (a transaction still running when the tab closes would be lost).
  const missing: string[] = [];
  await Promise.all(
    itemIds(n).map(async (id, i) => {
      const doc = new Y.Doc();
      const persistence = new IndexeddbPersistence(`${prefix}-${id}`, doc);
      await persistence.whenSynced;
      if (doc.getMap('data').get('title') !== itemFields(i).title) missing.push(id);
      await persistence.destroy();
      doc.destroy();
    }),
  );
  if (missing.length > 0) throw new Error(`y-indexeddb seeding: ${missing.length} documents were not stored (${missing.slice(0, 3).join(', ')}, ...)`);
  (globalThis as { __seeded?: unknown }).__seeded = { ms: performance.now() - started };
});
