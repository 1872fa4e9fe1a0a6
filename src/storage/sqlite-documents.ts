/**
 * `SqliteDocuments`: the document statements of `sqliteStorage` (loading,
 * appending at per-document versions, reading since a version, compacting,
 * JSON values), prepared once on an open database. Every method runs
 * synchronously; the storage batches appends and JSON values of one turn
 * into one `writeAll` transaction.
 */
import type Database from 'better-sqlite3';
import { VersionConflictError, type StorageKey, type StoredDocument, type StoredUpdates } from './storage.ts';

/** One write of a group commit: updates to append, or a JSON value to save. */
export type DocumentWrite =
  | { readonly kind: 'append'; readonly key: StorageKey; readonly updates: readonly Uint8Array[]; readonly expectVersion: number | undefined }
  | {
      readonly kind: 'json';
      readonly key: StorageKey;
      readonly json: string | null;
      /** The version the value reflects; null: the document's version now. */
      readonly version: number | null;
    };

/** The outcome of one write of `writeAll`: the document's version after it, or the conflict that refused it. */
export type WriteOutcome = number | VersionConflictError;

interface Head {
  readonly version: number;
  readonly state_version: number;
}

const bytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** The document statements of one database (see `sqliteDocuments`). */
export interface SqliteDocuments {
  /** A document's state, the updates after it, and its version. */
  load(key: StorageKey): StoredDocument;
  /** What was appended after `version` (`Storage.readSince`). */
  readSince(key: StorageKey, version: number): StoredUpdates;
  /** The versions of many documents, in order. */
  heads(keys: readonly StorageKey[]): number[];
  /** Appends and JSON values of one group commit, in order, in one transaction. */
  writeAll(batch: readonly DocumentWrite[]): WriteOutcome[];
  /** `Storage.compact`, in one transaction. */
  compact(key: StorageKey, state: Uint8Array, through: number): void;
  /** Documents whose JSON is behind their version. */
  staleJson(): StorageKey[];
  /** A document's stored JSON value. */
  loadJson(key: StorageKey): string | null;
  /** The logs (after their states) of many documents of one collection, with one statement. */
  logsOf(collection: string, ids: readonly string[]): Map<string, Uint8Array[]>;
}

/** Prepares the document statements of a migrated database. */
export function sqliteDocuments(db: Database.Database): SqliteDocuments {
  const selectHead = db.prepare<[string, string], Head>('SELECT version, state_version FROM yracer_documents WHERE collection = ? AND id = ?');
  const selectDocument = db.prepare<[string, string], Head & { state: Buffer | null }>(
    'SELECT state, state_version, version FROM yracer_documents WHERE collection = ? AND id = ?',
  );
  const selectLog = db.prepare<[string, string, number], { data: Buffer }>(
    'SELECT data FROM yracer_log WHERE collection = ? AND id = ? AND version > ? ORDER BY version',
  );
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
  const selectStale = db.prepare<[], { collection: string; id: string }>('SELECT collection, id FROM yracer_documents WHERE version > json_version');
  const selectJson = db.prepare<[string, string], { json: string | null }>('SELECT json FROM yracer_documents WHERE collection = ? AND id = ?');
  const selectManyLogs = db.prepare<[string, string], { id: string; data: Buffer }>(
    `SELECT yracer_log.id AS id, data FROM yracer_log JOIN yracer_documents USING (collection, id)
     WHERE collection = ? AND yracer_log.id IN (SELECT value FROM json_each(?)) AND yracer_log.version > state_version
     ORDER BY yracer_log.id, yracer_log.version`,
  );

  const versionOf = (key: StorageKey): number => selectHead.get(key.collection, key.id)?.version ?? 0;
  const append = (key: StorageKey, updates: readonly Uint8Array[], expectVersion: number | undefined): WriteOutcome => {
    const version = versionOf(key);
    if (expectVersion !== undefined && expectVersion !== version) return new VersionConflictError(key, expectVersion, version);
    if (updates.length === 0) return version;
    updates.forEach((update, i) => insertLog.run(key.collection, key.id, version + i + 1, update));
    upsertVersion.run(key.collection, key.id, version + updates.length);
    return version + updates.length;
  };

  return {
    load(key: StorageKey): StoredDocument {
      const row = selectDocument.get(key.collection, key.id);
      const log = selectLog.all(key.collection, key.id, row?.state_version ?? 0);
      return { state: row?.state ? bytes(row.state) : null, updates: log.map((entry) => bytes(entry.data)), version: row?.version ?? 0 };
    },
    readSince(key: StorageKey, version: number): StoredUpdates {
      const row = selectDocument.get(key.collection, key.id);
      if (!row) return { state: null, updates: [], version: 0 };
      const covered = version >= row.state_version;
      const log = selectLog.all(key.collection, key.id, covered ? version : row.state_version);
      return { state: covered || !row.state ? null : bytes(row.state), updates: log.map((entry) => bytes(entry.data)), version: row.version };
    },
    heads: (keys: readonly StorageKey[]): number[] => keys.map(versionOf),
    writeAll: db.transaction((batch: readonly DocumentWrite[]): WriteOutcome[] =>
      batch.map((write) => {
        if (write.kind === 'append') return append(write.key, write.updates, write.expectVersion);
        if (write.version === null) upsertCurrentJson.run(write.key.collection, write.key.id, write.json);
        else upsertJson.run(write.key.collection, write.key.id, write.json, write.version);
        return 0;
      }),
    ),
    compact: db.transaction((key: StorageKey, state: Uint8Array, through: number): void => {
      const head = selectHead.get(key.collection, key.id);
      if (through > (head?.version ?? 0)) throw new RangeError(`yracer sqliteStorage: ${key.collection}/${key.id} has no version ${through}`);
      if (!head || through <= head.state_version) return;
      updateState.run(state, through, key.collection, key.id);
      deleteLog.run(key.collection, key.id, through);
    }),
    staleJson: (): StorageKey[] => selectStale.all().map(({ collection, id }) => ({ collection, id })),
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
