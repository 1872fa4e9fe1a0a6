/**
 * Fixtures for the export and import tests: documents of several shapes
 * written straight through a storage (`seedDocuments`), and a comparison of
 * two stores document by document (`expectSameDocuments`).
 */
import { expect } from 'vitest';
import * as Y from 'yjs';
import { documentValue } from '../../src/model/paths/document-value.ts';
import type { Storage } from '../../src/storage/storage.ts';
import type { StorageKey } from '../../src/storage/storage-key.ts';

/** The keys `seedDocuments` writes. */
export const SEEDED: readonly StorageKey[] = [
  { collection: 'lists', id: 'l1' },
  { collection: 'todos', id: 't1' },
  { collection: 'todos', id: 't2' },
  { collection: 'todos', id: 'deleted' },
  { collection: 'todos', id: 'compacted' },
];

/** The Yjs state and JSON value of a stored document. */
export async function storedDoc(storage: Storage, key: StorageKey): Promise<Y.Doc> {
  const stored = await storage.load(key);
  const doc = new Y.Doc();
  for (const part of stored.state ? [stored.state, ...stored.updates] : stored.updates) Y.applyUpdate(doc, part);
  return doc;
}

/** Appends every update `change` makes to `doc` (one append each), and saves its JSON value. */
async function write(storage: Storage, key: StorageKey, doc: Y.Doc, change: (data: Y.Map<unknown>) => void): Promise<void> {
  const updates: Uint8Array[] = [];
  const onUpdate = (update: Uint8Array): void => {
    updates.push(update);
  };
  doc.on('update', onUpdate);
  change(doc.getMap('data'));
  doc.off('update', onUpdate);
  let version = 0;
  for (const update of updates) version = await storage.append(key, [update]);
  const value = documentValue(doc);
  await storage.saveJson(key, value === undefined ? null : JSON.stringify(value), version);
}

/** Writes the `SEEDED` documents: texts, arrays, nested maps, a deleted one, and a compacted one with a log after its state. */
export async function seedDocuments(storage: Storage): Promise<void> {
  const [list, t1, t2, deleted, compacted] = SEEDED as [StorageKey, StorageKey, StorageKey, StorageKey, StorageKey];
  await write(storage, list, new Y.Doc(), (data) => data.set('name', 'Groceries'));
  const one = new Y.Doc();
  await write(storage, t1, one, (data) => {
    data.set('title', new Y.Text('Milk'));
    data.set('tags', Y.Array.from(['a', 'b']));
    const nested = new Y.Map<unknown>();
    nested.set('n', 3);
    data.set('meta', nested);
  });
  await write(storage, t1, one, (data) => (data.get('title') as Y.Text).insert(4, ' and eggs'));
  await write(storage, t2, new Y.Doc(), (data) => data.set('title', 'Bread \u{1F35E} \u0000 end'));
  const gone = new Y.Doc();
  await write(storage, deleted, gone, (data) => data.set('title', 'soon gone'));
  await write(storage, deleted, gone, (data) => data.delete('title'));
  const packed = new Y.Doc();
  await write(storage, compacted, packed, (data) => data.set('a', 1));
  await write(storage, compacted, packed, (data) => data.set('b', 2));
  await storage.compact(compacted, Y.encodeStateAsUpdate(packed), 2);
  await write(storage, compacted, packed, (data) => data.set('c', 3));
}

/** Expects `target` to hold every document of `keys` with the same Yjs state vector, value and stored JSON as `source`. */
export async function expectSameDocuments(source: Storage, target: Storage, keys: readonly StorageKey[] = SEEDED): Promise<void> {
  for (const key of keys) {
    const [from, to] = [await storedDoc(source, key), await storedDoc(target, key)];
    expect(Y.encodeStateVector(to), `${key.collection}/${key.id}`).toEqual(Y.encodeStateVector(from));
    expect(documentValue(to), `${key.collection}/${key.id}`).toEqual(documentValue(from));
    expect(await target.loadJson(key), `${key.collection}/${key.id}`).toBe(await source.loadJson(key));
  }
}

/** Collects an async iterable's items. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
