/**
 * `sqliteWrites(db)`: the write statements of `sqliteStorage` (appending at
 * per-document versions, saving JSON values, compacting), run as one
 * transaction per group commit. The same code runs on the event loop's
 * thread (durability `'process'`, in-memory databases) or in the commit
 * thread (durability `'disk'`), on that thread's own connection.
 */
import type Database from 'better-sqlite3';
import { sqliteChangeWrites, type ChangeWrite } from './sqlite-changes.ts';
import type { StorageKey } from './storage-key.ts';

/** One write of a group commit: updates to append, a JSON value to save, or a compaction. */
export type DocumentWrite =
  | { readonly kind: 'append'; readonly key: StorageKey; readonly updates: readonly Uint8Array[]; readonly expectVersion: number | undefined }
  | {
      readonly kind: 'json';
      readonly key: StorageKey;
      readonly json: string | null;
      /** The version the value reflects; null: the document's version now. */
      readonly version: number | null;
    }
  | { readonly kind: 'compact'; readonly key: StorageKey; readonly state: Uint8Array; readonly through: number }
  | ChangeWrite;

/**
 * The outcome of one write of a group commit: the document's version after
 * it (0 for a JSON value or a compaction), or why that write alone was
 * refused (nothing of it stored; the other writes of the batch commit).
 */
export type WriteOutcome = number | WriteRefusal;

/** Why one write of a batch was refused: an append's expected version was not the document's, or a compaction went past its head. */
export type WriteRefusal =
  | { readonly refused: 'version-conflict'; readonly expected: number; readonly actual: number }
  | { readonly refused: 'no-version'; readonly through: number };

interface Head {
  readonly version: number;
  readonly state_version: number;
}

/** Prepares the write statements of a migrated database and returns its group commit: every write in order, in one transaction. */
export function sqliteWrites(db: Database.Database): (batch: readonly DocumentWrite[]) => WriteOutcome[] {
  const selectHead = db.prepare<[string, string], Head>('SELECT version, state_version FROM yracer_documents WHERE collection = ? AND id = ?');
  const insertLog = db.prepare<[string, string, number, Uint8Array]>('INSERT INTO yracer_log (collection, id, version, data) VALUES (?, ?, ?, ?)');
  const upsertVersion = db.prepare<[string, string, number]>(
    `INSERT INTO yracer_documents (collection, id, version) VALUES (?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET version = excluded.version`,
  );
  const updateState = db.prepare<[Uint8Array, number, string, string]>(
    'UPDATE yracer_documents SET state = ?, state_version = ? WHERE collection = ? AND id = ?',
  );
  const deleteLog = db.prepare<[string, string, number]>('DELETE FROM yracer_log WHERE collection = ? AND id = ? AND version <= ?');
  // A value as of an older version than the stored one is ignored (JSON values only move forward).
  const upsertJson = db.prepare<[string, string, string | null, number]>(
    `INSERT INTO yracer_documents (collection, id, json, json_version) VALUES (?, ?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json, json_version = excluded.json_version
     WHERE excluded.json_version >= yracer_documents.json_version`,
  );
  const upsertCurrentJson = db.prepare<[string, string, string | null]>(
    `INSERT INTO yracer_documents (collection, id, json) VALUES (?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json, json_version = yracer_documents.version`,
  );

  const changes = sqliteChangeWrites(db);

  const append = (key: StorageKey, updates: readonly Uint8Array[], expectVersion: number | undefined): WriteOutcome => {
    const version = selectHead.get(key.collection, key.id)?.version ?? 0;
    if (expectVersion !== undefined && expectVersion !== version) return { refused: 'version-conflict', expected: expectVersion, actual: version };
    if (updates.length === 0) return version;
    updates.forEach((update, i) => insertLog.run(key.collection, key.id, version + i + 1, update));
    upsertVersion.run(key.collection, key.id, version + updates.length);
    return version + updates.length;
  };
  const compact = (key: StorageKey, state: Uint8Array, through: number): WriteOutcome => {
    const head = selectHead.get(key.collection, key.id);
    if (through > (head?.version ?? 0)) return { refused: 'no-version', through };
    if (!head || through <= head.state_version) return 0;
    updateState.run(state, through, key.collection, key.id);
    deleteLog.run(key.collection, key.id, through);
    return 0;
  };

  // BEGIN IMMEDIATE: the write lock is taken first (waiting for another writer), never upgraded from a read (which fails at once when busy).
  const transaction = db.transaction((batch: readonly DocumentWrite[]): WriteOutcome[] =>
    batch.map((write) => {
      switch (write.kind) {
        case 'append':
          return append(write.key, write.updates, write.expectVersion);
        case 'compact':
          return compact(write.key, write.state, write.through);
        case 'json':
          if (write.version === null) upsertCurrentJson.run(write.key.collection, write.key.id, write.json);
          else upsertJson.run(write.key.collection, write.key.id, write.json, write.version);
          return 0;
        case 'change':
          return changes.record(write.key, write.version, write.json, write.time);
        case 'prune-changes':
          return changes.prune(write.before, write.keepRows);
      }
    }),
  );
  return (batch) => transaction.immediate(batch);
}
