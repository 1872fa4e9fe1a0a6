/**
 * `Storage.documentsAfter`: pages of every stored document in collection
 * then id order (code point order), on every adapter.
 */
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import type { ListedDocument, Storage } from '../../src/storage/storage.ts';
import type { StorageKey } from '../../src/storage/storage-key.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { sqliteScope } from '../helpers/sqlite-fixtures.ts';

const sqlite = sqliteScope('yracer-documents-after-');
const postgres = postgresScope();

const adapters: ReadonlyArray<readonly [string, () => Promise<Storage>, boolean]> = [
  ['memoryStorage', async () => memoryStorage(), false],
  ['sqliteStorage', async () => sqlite.open(sqlite.newFile(), { durability: 'process' }), false],
  ['postgresStorage', async () => postgres.open(await postgres.freshSchema({ create: false })), !postgresAvailable],
];

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe.each(adapters)('documentsAfter (%s)', (_name, open, skip) => {
  it.skipIf(skip)('walks every document in collection then id order, a page at a time, with state, log and JSON', async () => {
    const storage = await open();
    // Out of order, with ids that sort differently by UTF-16 and by code point.
    const keys = [
      { collection: 'todos', id: 'b' },
      { collection: 'lists', id: 'z' },
      { collection: 'todos', id: 'a' },
      { collection: 'todos', id: 'x\u{1F600}' },
      { collection: 'todos', id: 'x\uFF21' },
    ];
    for (const [i, key] of keys.entries()) await storage.append(key, [bytes(i, 1), bytes(i, 2)]);
    await storage.compact({ collection: 'todos', id: 'a' }, bytes(9, 9), 1);
    await storage.saveJson({ collection: 'todos', id: 'a' }, '{"n":1}', 2);
    const seen: string[] = [];
    let after: StorageKey | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: ListedDocument[] | undefined = await storage.documentsAfter?.(after, 2);
      if (!page) throw new Error('documentsAfter is missing');
      seen.push(...page.map((listed) => `${listed.collection}/${listed.id}`));
      const a = page.find((listed) => listed.id === 'a');
      if (a) expect(a).toEqual({ collection: 'todos', id: 'a', state: bytes(9, 9), updates: [bytes(2, 2)], version: 2, json: '{"n":1}' });
      const b = page.find((listed) => listed.id === 'b');
      if (b) expect(b).toEqual({ collection: 'todos', id: 'b', state: null, updates: [bytes(0, 1), bytes(0, 2)], version: 2, json: null });
      if (page.length < 2) break;
      const last: ListedDocument | undefined = page[page.length - 1];
      after = last ? { collection: last.collection, id: last.id } : null;
    }
    expect(seen).toEqual(['lists/z', 'todos/a', 'todos/b', 'todos/x\uFF21', 'todos/x\u{1F600}']);
  });

  it.skipIf(skip)('rejects a page limit that is not a positive integer', async () => {
    const storage = await open();
    await expect(storage.documentsAfter?.(null, 0)).rejects.toThrow(/page limit must be a positive integer/);
    await expect(storage.documentsAfter?.(null, 1.5)).rejects.toThrow(/page limit must be a positive integer/);
  });
});
