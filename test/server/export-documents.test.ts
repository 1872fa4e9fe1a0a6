/**
 * `exportDocuments` and its round trip through `importDocuments`: every
 * document's state vector, value and stored JSON are the same in the fresh
 * store, between SQLite and Postgres in both directions; and an export
 * walks a large store in constant memory.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { exportDocuments, importDocuments, type ExportedDocument } from '../../src/server/index.ts';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { sqliteScope } from '../helpers/sqlite-fixtures.ts';
import { SEEDED, collect, expectSameDocuments, seedDocuments } from '../helpers/transfer-fixtures.ts';

const sqlite = sqliteScope('yracer-export-');
const postgres = postgresScope();

const openSqlite = async (): Promise<Storage> => sqlite.open(sqlite.newFile(), { durability: 'process' });
const openPostgres = async (): Promise<Storage> => postgres.open(await postgres.freshSchema({ create: false }));

describe('exportDocuments', () => {
  it('writes one line per document with collection, id, version, JSON value and whole Yjs state, in key order', async () => {
    const storage = await openSqlite();
    await seedDocuments(storage);
    const lines = (await collect(exportDocuments(storage, { pageSize: 2 }))).map((line) => JSON.parse(line) as ExportedDocument);
    expect(lines.map((line) => `${line.collection}/${line.id}`)).toEqual(['lists/l1', 'todos/compacted', 'todos/deleted', 'todos/t1', 'todos/t2']);
    const t1 = lines.find((line) => line.id === 't1');
    expect(t1).toMatchObject({ version: 4, json: { title: 'Milk and eggs', tags: ['a', 'b'], meta: { n: 3 } } });
    expect(lines.find((line) => line.id === 'deleted')).toMatchObject({ version: 2, json: null });
    expect(lines.find((line) => line.id === 'compacted')).toMatchObject({ version: 3, json: { a: 1, b: 2, c: 3 } });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from(t1?.state ?? '', 'base64'));
    expect(doc.getMap('data').get('title')).toBeInstanceOf(Y.Text); // the state itself, not a copy of the value
  });

  it('skips documents that hold a JSON value but no Yjs state', async () => {
    const storage = memoryStorage();
    await storage.saveJson({ collection: 'todos', id: 'only-json' }, '{"a":1}');
    expect(await collect(exportDocuments(storage))).toEqual([]);
  });

  it('rejects a storage that cannot list its documents, and a bad page size', async () => {
    const { documentsAfter: _dropped, ...unlisted } = memoryStorage();
    await expect(collect(exportDocuments(unlisted))).rejects.toThrow(/cannot list its documents/);
    await expect(collect(exportDocuments(memoryStorage(), { pageSize: 0 }))).rejects.toThrow(/pageSize must be a positive integer/);
  });

  it('names the document whose stored state cannot be read', async () => {
    const storage = memoryStorage();
    await storage.append({ collection: 'todos', id: 'broken' }, [new Uint8Array([255, 255, 255])]);
    await expect(collect(exportDocuments(storage))).rejects.toThrow(/todos\/broken cannot be read/);
  });
});

describe.each([
  ['SQLite', openSqlite, 'SQLite', openSqlite, false],
  ['SQLite', openSqlite, 'Postgres', openPostgres, !postgresAvailable],
  ['Postgres', openPostgres, 'SQLite', openSqlite, !postgresAvailable],
] as const)('export from %s, import into %s', (_from, openSource, _to, openTarget, skip) => {
  it.skipIf(skip)('gives every document the same state vector, value and stored JSON in the fresh store', async () => {
    const source = await openSource();
    await seedDocuments(source);
    const target = await openTarget();
    const summary = await importDocuments(target, exportDocuments(source, { pageSize: 2 }));
    expect(summary).toEqual({ created: SEEDED.length, merged: 0, unchanged: 0 });
    await expectSameDocuments(source, target);
    expect(await target.staleJson()).toEqual([]);
    // And back again: the second export is the first one but for the versions the target numbered anew.
    const strip = (line: string): unknown => ({ ...(JSON.parse(line) as ExportedDocument), version: 0 });
    expect((await collect(exportDocuments(target))).map(strip)).toEqual((await collect(exportDocuments(source))).map(strip));
  });
});

describe('exportDocuments memory', () => {
  it('exports 20,000 documents with a bounded heap (one page at a time)', { timeout: 120_000 }, async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const storage = await openSqlite();
    // One ~1 KB document state, stored under 20,000 ids (seeded in batches, one commit each).
    const doc = new Y.Doc();
    doc.getMap('data').set('text', 'x'.repeat(1000));
    const state = Y.encodeStateAsUpdate(doc);
    const count = 20_000;
    for (let start = 0; start < count; start += 1000) {
      const writes: Array<Promise<unknown>> = [];
      for (let i = start; i < start + 1000; i++) writes.push(storage.append({ collection: 'big', id: `d${String(i).padStart(6, '0')}` }, [state]));
      await Promise.all(writes);
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let bytes = 0;
    let lines = 0;
    for await (const line of exportDocuments(storage, { pageSize: 500 })) {
      bytes += line.length + 1;
      lines += 1;
      if (lines % 2000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(lines).toBe(count);
    // The output is far larger than the bound: holding it (or the documents) would exceed it.
    expect(bytes).toBeGreaterThan(25_000_000);
    expect(peak).toBeLessThan(8_000_000);
    console.log(`exported ${count} documents (${(bytes / 1e6).toFixed(1)} MB) with a peak retained heap growth of ${(peak / 1e6).toFixed(2)} MB`);
  });
});
