/**
 * Fixtures for the SQLite storage tests: a temporary directory removed after
 * the file, fresh database file names, and storages and second connections
 * that are closed after each test.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach } from 'vitest';
import { sqliteStorage, type SqliteStorageOptions } from '../../src/storage/sqlite-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { tempDir } from './client-fixtures.ts';

/** What `sqliteScope` gives a test file. */
export interface SqliteScope {
  /** The temporary directory (removed after the file's tests). */
  readonly dir: string;
  /** A database file name not used yet in this directory. */
  newFile(): string;
  /** Opens a storage (closed after the test). */
  open(file?: string, options?: SqliteStorageOptions): Storage;
  /** A second, independent connection to the same file (closed after the test). */
  inspect(file: string): Database.Database;
}

/** Registers the hooks of a SQLite test file and returns its helpers. */
export function sqliteScope(prefix: string): SqliteScope {
  const temp = tempDir(prefix);
  afterAll(() => temp.remove());
  const opened: Array<Storage | Database.Database> = [];
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) {
      if (item instanceof Database) item.close();
      else await item.close().catch(() => undefined);
    }
  });
  let files = 0;
  return {
    dir: temp.dir,
    newFile: () => join(temp.dir, `db-${++files}.db`),
    open: (file = ':memory:', options = {}) => {
      const storage = sqliteStorage(file, options);
      opened.push(storage);
      return storage;
    },
    inspect: (file) => {
      const db = new Database(file);
      opened.push(db);
      return db;
    },
  };
}
