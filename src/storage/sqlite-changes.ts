/**
 * The change log of `sqliteStorage` (change-log.ts): the tables
 * `yracer_changes` (one row per change: collection, seq, id, version, time,
 * JSON) and `yracer_change_heads` (each collection's last seq), their write
 * statements (run inside the storage's group commits, `sqlite-writes.ts`,
 * so SQLite's single writer assigns each collection's seqs in commit order)
 * and `sqliteChanges`, the `ChangeLog` over them.
 */
import type Database from 'better-sqlite3';
import type { ChangeLog, StoredChange } from './change-log.ts';
import type { StorageKey } from './storage-key.ts';

const TABLES = `
CREATE TABLE IF NOT EXISTS yracer_changes (
  collection TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  time INTEGER NOT NULL,
  json TEXT,
  PRIMARY KEY (collection, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS yracer_changes_document ON yracer_changes (collection, id, version);
CREATE INDEX IF NOT EXISTS yracer_changes_time ON yracer_changes (time);
CREATE TABLE IF NOT EXISTS yracer_change_heads (
  collection TEXT NOT NULL PRIMARY KEY,
  seq INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** Creates the change log's tables when missing (idempotent; before any connection prepares its statements). */
export function ensureChangeTables(db: Database.Database): void {
  db.exec(TABLES);
}

/** The change log's write statements, run inside a group commit's transaction. */
export interface SqliteChangeWrites {
  /** Records one change at its collection's next seq; returns that seq, or 0 when skipped (a later version is recorded). */
  record(key: StorageKey, version: number, json: string | null, time: number): number;
  /** Drops changes recorded before `before` and all but the last `keepRows` of each collection; returns how many. */
  prune(before: number | null, keepRows: number | null): number;
}

/** Prepares the change log's write statements on a connection (its tables must exist). */
export function sqliteChangeWrites(db: Database.Database): SqliteChangeWrites {
  const recorded = db.prepare<[string, string, number], { found: number }>(
    'SELECT 1 AS found FROM yracer_changes WHERE collection = ? AND id = ? AND version >= ? LIMIT 1',
  );
  const bump = db.prepare<[string], { seq: number }>(
    'INSERT INTO yracer_change_heads (collection, seq) VALUES (?, 1) ON CONFLICT (collection) DO UPDATE SET seq = seq + 1 RETURNING seq',
  );
  const insert = db.prepare<[string, number, string, number, number, string | null]>(
    'INSERT INTO yracer_changes (collection, seq, id, version, time, json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const pruneOld = db.prepare<[number]>('DELETE FROM yracer_changes WHERE time < ?');
  const pruneRows = db.prepare<[number]>(
    'DELETE FROM yracer_changes WHERE seq <= (SELECT h.seq FROM yracer_change_heads AS h WHERE h.collection = yracer_changes.collection) - ?',
  );
  return {
    record(key, version, json, time) {
      if (recorded.get(key.collection, key.id, version)) return 0;
      const seq = (bump.get(key.collection) as { seq: number }).seq;
      insert.run(key.collection, seq, key.id, version, time, json);
      return seq;
    },
    prune(before, keepRows) {
      let dropped = 0;
      if (before !== null) dropped += pruneOld.run(before).changes;
      if (keepRows !== null) dropped += pruneRows.run(keepRows).changes;
      return dropped;
    },
  };
}

/** What `sqliteChanges` needs from its storage. */
export interface SqliteChangeHost {
  /** Queues a write of the change log in the storage's group commit; resolves with its outcome. */
  readonly write: (write: ChangeWrite) => Promise<number>;
  /** Waits for the writes queued before (and throws once the storage is closed). */
  readonly current: () => Promise<void>;
}

/** A change log write of the group commit (`sqlite-writes.ts`). */
export type ChangeWrite =
  | { readonly kind: 'change'; readonly key: StorageKey; readonly version: number; readonly json: string | null; readonly time: number }
  | { readonly kind: 'prune-changes'; readonly key: StorageKey; readonly before: number | null; readonly keepRows: number | null };

interface ChangeRow {
  readonly seq: number;
  readonly id: string;
  readonly version: number;
  readonly time: number;
  readonly json: string | null;
}

/** The `ChangeLog` of a SQLite database (its tables created by `ensureChangeTables`). */
export function sqliteChanges(db: Database.Database, host: SqliteChangeHost): ChangeLog {
  const select = db.prepare<[string, number, number], ChangeRow>(
    'SELECT seq, id, version, time, json FROM yracer_changes WHERE collection = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  return {
    async record(changes) {
      const time = Date.now();
      await Promise.all(changes.map((change) => host.write({ kind: 'change', key: { collection: change.collection, id: change.id }, version: change.version, json: change.json, time })));
    },
    async read(collection, since, limit): Promise<StoredChange[]> {
      await host.current();
      return select.all(collection, since, limit).map((row) => ({ collection, ...row }));
    },
    prune({ before, keepRows }) {
      return host.write({ kind: 'prune-changes', key: { collection: '', id: '' }, before: before ?? null, keepRows: keepRows ?? null });
    },
  };
}
