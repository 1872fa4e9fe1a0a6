/**
 * `sqliteListing(db)`: the pages of `sqliteStorage`'s `documentsAfter`,
 * walking `yracer_documents` by its primary key (collection, id) from a
 * given key on, so a store of any size is read a page at a time. Each page
 * is read in one read transaction (a state and the log after it belong
 * together).
 */
import type Database from 'better-sqlite3';
import type { ListedDocument } from './storage.ts';
import type { StorageKey } from './storage-key.ts';

interface ListedRow {
  readonly collection: string;
  readonly id: string;
  readonly state: Buffer | null;
  readonly state_version: number;
  readonly version: number;
  readonly json: string | null;
}

const bytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** Checks a page size: a positive integer. */
export function assertPageLimit(limit: number, storage: string): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`yracer ${storage}: the page limit must be a positive integer, not ${String(limit)}`);
}

/** Prepares the page statements of a migrated database; the result reads one page (synchronously). */
export function sqliteListing(db: Database.Database): (after: StorageKey | null, limit: number) => ListedDocument[] {
  const columns = 'collection, id, state, state_version, version, json';
  const first = db.prepare<[number], ListedRow>(`SELECT ${columns} FROM yracer_documents ORDER BY collection, id LIMIT ?`);
  const next = db.prepare<[string, string, number], ListedRow>(
    `SELECT ${columns} FROM yracer_documents WHERE (collection, id) > (?, ?) ORDER BY collection, id LIMIT ?`,
  );
  const log = db.prepare<[string, string, number], { data: Buffer }>('SELECT data FROM yracer_log WHERE collection = ? AND id = ? AND version > ? ORDER BY version');
  return db.transaction((after: StorageKey | null, limit: number): ListedDocument[] => {
    assertPageLimit(limit, 'sqliteStorage');
    const rows = after === null ? first.all(limit) : next.all(after.collection, after.id, limit);
    return rows.map((row) => ({
      collection: row.collection,
      id: row.id,
      state: row.state ? bytes(row.state) : null,
      updates: row.version > row.state_version ? log.all(row.collection, row.id, row.state_version).map((entry) => bytes(entry.data)) : [],
      version: row.version,
      json: row.json,
    }));
  });
}
