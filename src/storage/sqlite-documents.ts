/**
 * `SqliteDocuments`: the read statements of `sqliteStorage` (loading,
 * reading since a version, versions, stale and stored JSON values, logs of
 * many documents), prepared once on an open database. Every method runs
 * synchronously; writes are `sqliteWrites`' (group commits).
 */
import type Database from 'better-sqlite3';
import type { StoredDocument, StoredUpdates } from './storage.ts';
import type { StorageKey } from './storage-key.ts';

interface Head {
  readonly version: number;
  readonly state_version: number;
}

const bytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** The read statements of one database (see `sqliteDocuments`). */
export interface SqliteDocuments {
  /** A document's state, the updates after it, and its version. */
  load(key: StorageKey): StoredDocument;
  /** What was appended after `version` (`Storage.readSince`). */
  readSince(key: StorageKey, version: number): StoredUpdates;
  /** The versions of many documents, in order. */
  heads(keys: readonly StorageKey[]): number[];
  /** Documents whose JSON is behind their version. */
  staleJson(): StorageKey[];
  /** How many documents have stored updates. */
  count(): number;
  /** A document's stored JSON value. */
  loadJson(key: StorageKey): string | null;
  /** The logs (after their states) of many documents of one collection, with one statement. */
  logsOf(collection: string, ids: readonly string[]): Map<string, Uint8Array[]>;
}

/** Prepares the read statements of a migrated database. */
export function sqliteDocuments(db: Database.Database): SqliteDocuments {
  const selectHead = db.prepare<[string, string], Head>('SELECT version, state_version FROM yracer_documents WHERE collection = ? AND id = ?');
  const selectDocument = db.prepare<[string, string], Head & { state: Buffer | null }>(
    'SELECT state, state_version, version FROM yracer_documents WHERE collection = ? AND id = ?',
  );
  const selectLog = db.prepare<[string, string, number], { data: Buffer }>(
    'SELECT data FROM yracer_log WHERE collection = ? AND id = ? AND version > ? ORDER BY version',
  );
  const selectStale = db.prepare<[], { collection: string; id: string }>('SELECT collection, id FROM yracer_documents WHERE version > json_version');
  const selectCount = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM yracer_documents WHERE version > 0');
  const selectJson = db.prepare<[string, string], { json: string | null }>('SELECT json FROM yracer_documents WHERE collection = ? AND id = ?');
  const selectManyLogs = db.prepare<[string, string], { id: string; data: Buffer }>(
    `SELECT yracer_log.id AS id, data FROM yracer_log JOIN yracer_documents USING (collection, id)
     WHERE collection = ? AND yracer_log.id IN (SELECT value FROM json_each(?)) AND yracer_log.version > state_version
     ORDER BY yracer_log.id, yracer_log.version`,
  );

  const versionOf = (key: StorageKey): number => selectHead.get(key.collection, key.id)?.version ?? 0;
  // Reads of two statements run in one read transaction: the commit thread's connection may commit (a compaction, say) in between.
  return {
    load: db.transaction((key: StorageKey): StoredDocument => {
      const row = selectDocument.get(key.collection, key.id);
      const log = selectLog.all(key.collection, key.id, row?.state_version ?? 0);
      return { state: row?.state ? bytes(row.state) : null, updates: log.map((entry) => bytes(entry.data)), version: row?.version ?? 0 };
    }),
    readSince: db.transaction((key: StorageKey, version: number): StoredUpdates => {
      const row = selectDocument.get(key.collection, key.id);
      if (!row) return { state: null, updates: [], version: 0 };
      const covered = version >= row.state_version;
      const log = selectLog.all(key.collection, key.id, covered ? version : row.state_version);
      return { state: covered || !row.state ? null : bytes(row.state), updates: log.map((entry) => bytes(entry.data)), version: row.version };
    }),
    heads: db.transaction((keys: readonly StorageKey[]): number[] => keys.map(versionOf)),
    staleJson: (): StorageKey[] => selectStale.all().map(({ collection, id }) => ({ collection, id })),
    count: (): number => selectCount.get()?.count ?? 0,
    loadJson: (key: StorageKey): string | null => selectJson.get(key.collection, key.id)?.json ?? null,
    logsOf(collection: string, ids: readonly string[]): Map<string, Uint8Array[]> {
      const logs = new Map<string, Uint8Array[]>();
      for (const row of selectManyLogs.all(collection, JSON.stringify(ids))) {
        const list = logs.get(row.id) ?? [];
        list.push(bytes(row.data));
        logs.set(row.id, list);
      }
      return logs;
    },
  };
}
