import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sqliteStorage } from '../../src/storage/sqlite-storage.ts';
import type { StorageKey } from '../../src/storage/storage-key.ts';
import { sqliteScope } from '../helpers/sqlite-fixtures.ts';

const todo: StorageKey = { collection: 'todos', id: 'a' };
const { dir, newFile, open, inspect } = sqliteScope('yracer-sqlite-');
const count = (db: Database.Database): number => (db.prepare('SELECT count(*) AS n FROM yracer_log').get() as { n: number }).n;

describe('sqliteStorage', () => {
  it('puts the database file in WAL mode, creating its directory', () => {
    const file = join(dir, 'nested', 'deeper', 'wal.db');
    open(file);
    expect(existsSync(file)).toBe(true);
    expect(inspect(file).pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('keeps updates, state and JSON across closing and reopening the file', async () => {
    const file = newFile();
    const first = sqliteStorage(file);
    await first.append(todo, [new Uint8Array([1])]);
    const seq = await first.append(todo, [new Uint8Array([2])]);
    await first.compact(todo, new Uint8Array([9, 9]), seq);
    const last = await first.append(todo, [new Uint8Array([3])]);
    await first.saveJson(todo, '{"title":"kept"}');
    await first.close();

    const second = open(file);
    const loaded = await second.load(todo);
    expect([...(loaded.state ?? [])]).toEqual([9, 9]);
    expect(loaded.updates.map((u) => [...u])).toEqual([[3]]);
    expect(loaded.version).toBe(last);
    expect(await second.loadJson(todo)).toBe('{"title":"kept"}');
    expect(await second.append(todo, [new Uint8Array([4])])).toBeGreaterThan(last);
  });

  it('commits a resolved append: another connection sees it while the storage stays open', async () => {
    const file = newFile();
    const storage = open(file);
    await storage.append(todo, [new Uint8Array([1, 2])]);
    const row = inspect(file).prepare('SELECT collection, id, data FROM yracer_log').get() as { collection: string; id: string; data: Buffer };
    expect({ ...row, data: [...row.data] }).toEqual({ collection: 'todos', id: 'a', data: [1, 2] });
  });

  it('group-commits many appends made in one tick: all resolve, all are stored, in one transaction', async () => {
    const file = newFile();
    const storage = open(file);
    const db = inspect(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const appends = Array.from({ length: 300 }, (_, i) => storage.append({ collection: 'todos', id: `d${i % 3}` }, [new Uint8Array([i % 256, 7])]));
    // Nothing is committed before the batch is flushed...
    expect(count(db)).toBe(0);
    const seqs = await Promise.all(appends);
    // ...then everything is, in order.
    expect(count(db)).toBe(300);
    // Each document numbers its own: d0 got 1..100, as did d1 and d2, in the order made.
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => Math.floor(i / 3) + 1));
    // One commit writes a handful of pages to the WAL; 300 commits would write at least 300 frames.
    const [checkpoint] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>;
    expect(checkpoint?.log).toBeGreaterThan(0);
    expect(checkpoint?.log).toBeLessThan(60);
  });

  it('rejects every append of a batch whose transaction fails, stores none of them, and keeps working', async () => {
    const file = newFile();
    const storage = open(file);
    const db = inspect(file);
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON yracer_log WHEN NEW.id = 'bad'
             BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    const good = storage.append(todo, [new Uint8Array([1])]);
    const bad = storage.append({ collection: 'todos', id: 'bad' }, [new Uint8Array([2])]);
    await expect(good).rejects.toThrow(/refused by test/);
    await expect(bad).rejects.toThrow(/refused by test/);
    expect(count(db)).toBe(0);
    await storage.append(todo, [new Uint8Array([3])]);
    expect((await storage.load(todo)).updates.map((u) => [...u])).toEqual([[3]]);
  });

  it('flushes queued appends on close', async () => {
    const file = newFile();
    const storage = sqliteStorage(file);
    const appended = storage.append(todo, [new Uint8Array([5])]);
    await storage.close();
    await expect(appended).resolves.toBeGreaterThan(0);
    expect(count(inspect(file))).toBe(1);
  });

  it('keeps appends queued in the same tick as a compaction (they come after throughSeq)', async () => {
    const storage = open(newFile());
    const through = await storage.append(todo, [new Uint8Array([1])]);
    const later = storage.append(todo, [new Uint8Array([2])]);
    await storage.compact(todo, new Uint8Array([8]), through);
    expect(await later).toBeGreaterThan(through);
    expect((await storage.load(todo)).updates.map((u) => [...u])).toEqual([[2]]);
  });

  it('loses nothing when a compaction fails halfway: the state write is rolled back with it', async () => {
    const file = newFile();
    const storage = open(file);
    const seqs = [];
    for (let i = 1; i <= 3; i++) seqs.push(await storage.append(todo, [new Uint8Array([i])]));
    await storage.compact(todo, new Uint8Array([50]), seqs[0] as number);
    // Make the second statement of the next compaction (dropping the log) fail inside its transaction.
    inspect(file).exec(`CREATE TRIGGER crash BEFORE DELETE ON yracer_log BEGIN SELECT RAISE(ABORT, 'crash during compaction'); END`);
    await expect(storage.compact(todo, new Uint8Array([99]), seqs[2] as number)).rejects.toThrow(/crash during compaction/);
    const loaded = await storage.load(todo);
    expect([...(loaded.state ?? [])]).toEqual([50]);
    expect(loaded.updates.map((u) => [...u])).toEqual([[2], [3]]);
    expect(loaded.version).toBe(seqs[2]);
  });

  it('stores a document so that its state plus the remaining updates reproduce it after a compaction', async () => {
    const storage = open(newFile());
    const doc = new Y.Doc();
    const appended: Array<Promise<number>> = [];
    doc.on('update', (update: Uint8Array) => appended.push(storage.append(todo, [update])));
    const data = doc.getMap('data');
    for (let i = 0; i < 6; i++) data.set(`k${i}`, i);
    const seqs = await Promise.all(appended);
    expect(seqs).toHaveLength(6);
    const snapshot = Y.encodeStateAsUpdate(doc);
    const through = seqs[5] as number;
    for (let i = 6; i < 10; i++) data.set(`k${i}`, i);
    data.delete('k0');
    await storage.compact(todo, snapshot, through);
    await Promise.all(appended);

    const loaded = await storage.load(todo);
    expect(loaded.updates).toHaveLength(5);
    const copy = new Y.Doc();
    for (const part of [loaded.state as Uint8Array, ...loaded.updates]) Y.applyUpdate(copy, part);
    expect(copy.getMap('data').toJSON()).toEqual(data.toJSON());
    expect(Object.keys(copy.getMap('data').toJSON())).toHaveLength(9);
    doc.destroy();
    copy.destroy();
  });

  it('migrates a database of the first schema: versions per document, documents with logged updates get their JSON rebuilt once', async () => {
    const file = newFile();
    const old = inspect(file);
    old.exec(`
      CREATE TABLE yracer_documents (collection TEXT NOT NULL, id TEXT NOT NULL, state BLOB, json TEXT, PRIMARY KEY (collection, id)) WITHOUT ROWID;
      CREATE TABLE yracer_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, id TEXT NOT NULL, data BLOB NOT NULL);
      INSERT INTO yracer_documents (collection, id, state, json) VALUES ('todos', 'a', x'0000', '{"n":1}'), ('todos', 'c', x'0000', '{"n":3}');
      INSERT INTO yracer_updates (collection, id, data) VALUES ('todos', 'a', x'01'), ('todos', 'b', x'02'), ('todos', 'a', x'03');
    `);
    const storage = open(file);
    expect(inspect(file).pragma('user_version', { simple: true })).toBe(2);
    const stale = await storage.staleJson();
    expect(stale.map((key) => key.id).sort()).toEqual(['a', 'b']);
    expect(await storage.loadJson(todo)).toBe('{"n":1}');
    // The state is version 1, the logged updates follow it.
    const loaded = await storage.load(todo);
    expect({ state: [...(loaded.state ?? [])], updates: loaded.updates.map((u) => [...u]), version: loaded.version }).toEqual({ state: [0, 0], updates: [[1], [3]], version: 3 });
    expect(await storage.heads([todo, { collection: 'todos', id: 'b' }, { collection: 'todos', id: 'c' }])).toEqual([3, 1, 1]);
    expect((await storage.readSince(todo, 2)).updates.map((u) => [...u])).toEqual([[3]]);
    await storage.saveJson(todo, '{"n":2}', 3);
    expect((await storage.staleJson()).map((key) => key.id)).toEqual(['b']);
    expect(await storage.append(todo, [new Uint8Array([4])])).toBe(4);
    await storage.close();
    // Opening it again migrates nothing more.
    const again = open(file);
    expect((await again.staleJson()).map((key) => key.id).sort()).toEqual(['a', 'b']);
    expect(await again.heads([todo])).toEqual([4]);
  });

  it('migrates a database of schema 1 (one global sequence): a JSON value that was current stays current', async () => {
    const file = newFile();
    const old = inspect(file);
    old.exec(`
      CREATE TABLE yracer_documents (collection TEXT NOT NULL, id TEXT NOT NULL, state BLOB, json TEXT,
        head_seq INTEGER NOT NULL DEFAULT 0, json_seq INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (collection, id)) WITHOUT ROWID;
      CREATE TABLE yracer_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, id TEXT NOT NULL, data BLOB NOT NULL);
      INSERT INTO yracer_updates (collection, id, data) VALUES ('todos', 'a', x'01'), ('todos', 'b', x'02'), ('todos', 'a', x'03');
      INSERT INTO yracer_documents (collection, id, state, json, head_seq, json_seq) VALUES
        ('todos', 'a', NULL, '{"n":3}', 3, 3), ('todos', 'b', NULL, NULL, 2, 0), ('todos', 'c', x'0000', '{"c":1}', 9, 9);
    `);
    old.pragma('user_version = 1');
    const storage = open(file);
    expect(inspect(file).pragma('user_version', { simple: true })).toBe(2);
    expect((await storage.staleJson()).map((key) => key.id)).toEqual(['b']);
    expect(await storage.heads([todo, { collection: 'todos', id: 'b' }, { collection: 'todos', id: 'c' }])).toEqual([2, 1, 1]);
    expect((await storage.load(todo)).updates.map((u) => [...u])).toEqual([[1], [3]]);
    expect(await storage.query('todos', {})).toMatchObject({ ids: ['a', 'c'] });
  });
});
