/**
 * `sqliteHistory(db, before)`: the checkpoints of `sqliteStorage`
 * (`storage.history`), in a table of their own (`yracer_history`, created
 * when missing). A checkpoint is written on the storage's own connection in
 * one small transaction, after the document writes queued before it have
 * committed (`before`). It commits on the event loop without waiting for
 * the disk (`synchronous = NORMAL` for that transaction: about 0.05 ms
 * instead of about 5 ms with a sync): a checkpoint survives a crash of the
 * process, and a power loss may lose the last few, which only makes the
 * history coarser (no acknowledged write depends on them).
 */
import type Database from 'better-sqlite3';
import { assertKeep, type CheckpointInfo, type HistoryStorage } from './history-storage.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS yracer_history (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  checkpoint INTEGER NOT NULL,
  version INTEGER NOT NULL,
  time INTEGER NOT NULL,
  users TEXT NOT NULL,
  json TEXT,
  PRIMARY KEY (collection, id, checkpoint)
) WITHOUT ROWID;
`;

interface Row {
  readonly checkpoint: number;
  readonly version: number;
  readonly time: number;
  readonly users: string;
}

/**
 * Creates the history table when missing and returns the checkpoint
 * storage of `db`; `before` resolves once earlier writes committed (and
 * rejects when the storage is closed).
 *
 * @example
 * const history = sqliteHistory(db, current);
 */
export function sqliteHistory(db: Database.Database, before: () => Promise<void>): HistoryStorage {
  db.exec(SCHEMA);
  const last = db.prepare<[string, string], { checkpoint: number | null }>('SELECT max(checkpoint) AS checkpoint FROM yracer_history WHERE collection = ? AND id = ?');
  const insert = db.prepare<[string, string, number, number, number, string, string | null]>(
    'INSERT INTO yracer_history (collection, id, checkpoint, version, time, users, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const prune = db.prepare<[string, string, number]>('DELETE FROM yracer_history WHERE collection = ? AND id = ? AND checkpoint <= ?');
  const list = db.prepare<[string, string], Row>(
    'SELECT checkpoint, version, time, users FROM yracer_history WHERE collection = ? AND id = ? ORDER BY checkpoint DESC',
  );
  const one = db.prepare<[string, string, number], { json: string | null }>('SELECT json FROM yracer_history WHERE collection = ? AND id = ? AND checkpoint = ?');
  const add = db.transaction((collection: string, id: string, version: number, time: number, users: string, json: string | null, keep: number): number => {
    const number = (last.get(collection, id)?.checkpoint ?? 0) + 1;
    insert.run(collection, id, number, version, time, users, json);
    prune.run(collection, id, number - keep);
    return number;
  });
  return {
    async addCheckpoint(key, checkpoint, keep) {
      assertKeep(keep, 'yracer sqliteStorage history');
      await before();
      // Without a sync to disk (see the file's comment), then back to the connection's own setting.
      const synchronous = db.pragma('synchronous', { simple: true }) as number;
      if (synchronous > 1) db.pragma('synchronous = NORMAL');
      try {
        // BEGIN IMMEDIATE: another process's connection numbering the same document waits instead of failing.
        return add.immediate(key.collection, key.id, checkpoint.version, checkpoint.time, JSON.stringify([...checkpoint.users].sort()), checkpoint.json, keep);
      } finally {
        if (synchronous > 1) db.pragma(`synchronous = ${synchronous}`);
      }
    },
    async checkpoints(key): Promise<CheckpointInfo[]> {
      await before();
      return list.all(key.collection, key.id).map((row) => ({ checkpoint: row.checkpoint, version: row.version, time: row.time, users: JSON.parse(row.users) as string[] }));
    },
    async checkpointJson(key, checkpoint) {
      await before();
      const row = one.get(key.collection, key.id, checkpoint);
      return row ? { json: row.json } : null;
    },
  };
}
