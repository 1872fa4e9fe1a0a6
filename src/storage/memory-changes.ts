/**
 * `memoryChanges()`: the change log of `memoryStorage` (change-log.ts), in
 * arrays per collection; lost on exit like the rest of it.
 */
import type { ChangeLog, StoredChange } from './change-log.ts';
import { partitionPoint } from '../query/partition-point.ts';

interface CollectionChanges {
  head: number;
  rows: StoredChange[];
  /** The last version recorded per document. */
  readonly versions: Map<string, number>;
}

/** Creates an in-memory change log; `open` throws once its storage is closed. */
export function memoryChanges(open: () => void): ChangeLog {
  const collections = new Map<string, CollectionChanges>();
  return {
    async record(changes) {
      open();
      const time = Date.now();
      for (const change of changes) {
        let found = collections.get(change.collection);
        if (!found) {
          found = { head: 0, rows: [], versions: new Map() };
          collections.set(change.collection, found);
        }
        if ((found.versions.get(change.id) ?? 0) >= change.version) continue;
        found.versions.set(change.id, change.version);
        found.head += 1;
        found.rows.push({ seq: found.head, collection: change.collection, id: change.id, version: change.version, json: change.json, time });
      }
    },
    async read(collection, since, limit) {
      open();
      const rows = collections.get(collection)?.rows ?? [];
      // Rows are in seq order: find the first after `since` by bisection.
      const first = partitionPoint(rows.length, (i) => (rows[i] as StoredChange).seq <= since);
      return rows.slice(first, first + limit);
    },
    async prune({ before, keepRows }) {
      open();
      let dropped = 0;
      for (const found of collections.values()) {
        const kept = found.rows.filter((row, i) => (before === undefined || row.time >= before) && (keepRows === undefined || found.rows.length - i <= keepRows));
        dropped += found.rows.length - kept.length;
        found.rows = kept;
      }
      return dropped;
    },
  };
}
