/**
 * The tables of `sqliteStorage` and their migrations: `migrate(db)` creates
 * them in a new database and brings one written by an older version up to
 * date (SQLite's `user_version` records which), in one transaction.
 */
import type Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS yracer_documents (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  state BLOB,
  state_version INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 0,
  json TEXT,
  json_version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (collection, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS yracer_log (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (collection, id, version)
);
`;

/** The schema version this code writes (SQLite's `user_version`). */
const SCHEMA_VERSION = 2;

/**
 * Brings a database written by an older version up to `SCHEMA_VERSION`, in
 * one transaction. Version 2 numbers each document's updates on their own
 * (1, 2, 3, ...: `yracer_log`) instead of with one global sequence
 * (`yracer_updates`): a compacted state becomes version 1 and the logged
 * updates follow it in their order. A JSON value that was current stays
 * current; one that was behind (version 1 tracked it, version 0 did not:
 * then every document with logged updates) is marked stale, so it is
 * rebuilt once.
 */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= SCHEMA_VERSION) return;
  const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name));
  db.transaction(() => {
    if (tables.has('yracer_documents')) {
      const columns = new Set(db.prepare<[], { name: string }>('PRAGMA table_info(yracer_documents)').all().map((c) => c.name));
      if (!columns.has('state_version')) migrateFromGlobalSeq(db, columns.has('json_seq'), tables.has('yracer_updates'));
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** Schema 0 or 1 to 2 (see `migrate`), inside its transaction. */
function migrateFromGlobalSeq(db: Database.Database, tracksJson: boolean, hasLog: boolean): void {
  db.exec('ALTER TABLE yracer_documents RENAME TO yracer_documents_old');
  db.exec(SCHEMA);
  const old = db
    .prepare<[], { collection: string; id: string; state: Buffer | null; json: string | null; current: number }>(
      `SELECT collection, id, state, json, ${tracksJson ? 'json_seq >= head_seq' : '1'} AS current FROM yracer_documents_old`,
    )
    .all();
  const known = new Map(old.map((row) => [`${row.collection}\u0000${row.id}`, row]));
  const logged = hasLog
    ? db.prepare<[], { collection: string; id: string; data: Buffer }>('SELECT collection, id, data FROM yracer_updates ORDER BY seq').all()
    : [];
  const logs = new Map<string, Array<{ collection: string; id: string; data: Buffer }>>();
  for (const row of logged) {
    const name = `${row.collection}\u0000${row.id}`;
    const list = logs.get(name) ?? [];
    list.push(row);
    logs.set(name, list);
  }
  const insertDocument = db.prepare<[string, string, Buffer | null, number, number, string | null, number]>(
    'INSERT INTO yracer_documents (collection, id, state, state_version, version, json, json_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertLog = db.prepare<[string, string, number, Buffer]>('INSERT INTO yracer_log (collection, id, version, data) VALUES (?, ?, ?, ?)');
  for (const name of new Set([...known.keys(), ...logs.keys()])) {
    const row = known.get(name);
    const log = logs.get(name) ?? [];
    const [collection, id] = row ? [row.collection, row.id] : [log[0]?.collection ?? '', log[0]?.id ?? ''];
    const stateVersion = row?.state ? 1 : 0;
    const version = stateVersion + log.length;
    // Schema 0 kept no record of the JSON's age: with logged updates it may be behind.
    const current = tracksJson ? row?.current === 1 : log.length === 0;
    insertDocument.run(collection, id, row?.state ?? null, stateVersion, version, row?.json ?? null, current ? version : 0);
    log.forEach((entry, i) => insertLog.run(collection, id, stateVersion + i + 1, entry.data));
  }
  db.exec('DROP TABLE yracer_documents_old');
  if (hasLog) db.exec('DROP TABLE yracer_updates');
}

