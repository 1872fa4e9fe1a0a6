/**
 * `importDocuments`: merging onto documents the store holds (a CRDT merge,
 * nothing lost, a second import changes nothing), and bad lines (an
 * `ImportLineError` naming the line; nothing of it or after it stored).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentValue } from '../../src/model/paths/document-value.ts';
import { ImportLineError, exportDocuments, importDocuments } from '../../src/server/index.ts';
import { recordedSchemaVersion } from '../../src/server/schema-version.ts';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import { SEEDED, collect, expectSameDocuments, seedDocuments, storedDoc } from '../helpers/transfer-fixtures.ts';

const key = { collection: 'todos', id: 't1' };

/** An export line for a document holding `fields` (written by a Y.Doc of its own). */
function lineOf(fields: Record<string, unknown>, id = 't1', doc = new Y.Doc()): string {
  for (const [field, value] of Object.entries(fields)) doc.getMap('data').set(field, value);
  const state = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64');
  return JSON.stringify({ collection: 'todos', id, version: 1, json: documentValue(doc) ?? null, state });
}

/** Imports and returns the `ImportLineError` it rejects with. */
async function failure(lines: readonly string[], storage = memoryStorage()): Promise<ImportLineError> {
  const error: unknown = await importDocuments(storage, lines).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ImportLineError)) throw new Error(`expected an ImportLineError, got ${String(error)}`);
  return error;
}

describe('importDocuments', () => {
  it('merges a line into a document the store holds: both sides kept, one update appended, JSON rebuilt', async () => {
    const storage = memoryStorage();
    const shared = new Y.Doc();
    shared.getMap('data').set('title', 'Milk');
    await importDocuments(storage, [lineOf({}, 't1', shared)]);
    // The store and the backup diverge from the same document.
    const stored = await storedDoc(storage, key);
    stored.getMap('data').set('done', true);
    await storage.append(key, [Y.encodeStateAsUpdate(stored, Y.encodeStateVector(shared))]);
    const backup = lineOf({ priority: 2 }, 't1', shared);
    const before = (await storage.load(key)).version;
    expect(await importDocuments(storage, [backup])).toEqual({ created: 0, merged: 1, unchanged: 0 });
    expect((await storage.load(key)).version).toBe(before + 1);
    expect(documentValue(await storedDoc(storage, key))).toEqual({ title: 'Milk', done: true, priority: 2 });
    expect(JSON.parse((await storage.loadJson(key)) ?? 'null')).toEqual({ title: 'Milk', done: true, priority: 2 });
    // Again: nothing new, nothing appended.
    expect(await importDocuments(storage, [backup])).toEqual({ created: 0, merged: 0, unchanged: 1 });
    expect((await storage.load(key)).version).toBe(before + 1);
  });

  it('imports an export twice into the same store without changing anything the second time', async () => {
    const source = memoryStorage();
    await seedDocuments(source);
    const lines = await collect(exportDocuments(source));
    const target = memoryStorage();
    await importDocuments(target, lines);
    expect(await importDocuments(target, lines)).toEqual({ created: 0, merged: 0, unchanged: SEEDED.length });
    await expectSameDocuments(source, target);
  });

  it('takes the schema version a migrated document records (the root map meta) with its state', async () => {
    const doc = new Y.Doc();
    doc.getMap('meta').set('schemaVersion', 2);
    const storage = memoryStorage();
    await importDocuments(storage, [lineOf({ title: 'Milk' }, 't1', doc)]);
    expect(recordedSchemaVersion(await storedDoc(storage, key))).toBe(2);
  });

  it('merges lines of the same document in order, also next to each other in one batch', async () => {
    const storage = memoryStorage();
    const doc = new Y.Doc();
    const lines = [lineOf({ a: 1 }, 't1', doc), lineOf({ b: 2 }, 't1', doc), lineOf({ c: 3 }, 't1', doc)];
    expect(await importDocuments(storage, lines)).toEqual({ created: 1, merged: 2, unchanged: 0 });
    expect(JSON.parse((await storage.loadJson(key)) ?? 'null')).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('skips blank lines and still counts them in line numbers', async () => {
    const storage = memoryStorage();
    const error = await failure([lineOf({ a: 1 }, 'x'), '', '  ', 'nope'], storage);
    expect(error.line).toBe(4);
    expect(documentValue(await storedDoc(storage, { collection: 'todos', id: 'x' }))).toEqual({ a: 1 });
  });

  const good = lineOf({ title: 'Milk' });
  const parsed = JSON.parse(good) as Record<string, unknown>;
  const notData = new Y.Doc();
  notData.getMap('elsewhere').set('x', 1);
  const foreignState = Buffer.from(Y.encodeStateAsUpdate(notData)).toString('base64');
  it.each([
    ['not JSON', '{"collection":', /line 2: not JSON/],
    ['not an object', '[1,2]', /line 2: not a JSON object/],
    ['no id', JSON.stringify({ ...parsed, id: 5 }), /line 2: "collection" and "id" must be strings/],
    ['a bad name', JSON.stringify({ ...parsed, collection: '_local' }), /line 2: "_local\/t1" is not a valid document name/],
    ['a bad version', JSON.stringify({ ...parsed, version: -1 }), /line 2: "version" must be a non-negative integer/],
    ['a state that is not base64', JSON.stringify({ ...parsed, state: 'a b!' }), /line 2: "state" must be a non-empty base64 string/],
    ['a state that is not Yjs', JSON.stringify({ ...parsed, state: '////////' }), /line 2: "state" is not a document's state/],
    ['a state outside the data map', JSON.stringify({ ...parsed, state: foreignState, json: null }), /line 2: "state" is not a document's state: .*root type "elsewhere"/],
    ['no json', JSON.stringify({ ...parsed, json: undefined }), /line 2: "json" is missing/],
    ['a json that is not the state\'s', JSON.stringify({ ...parsed, json: { title: 'Eggs' } }), /line 2: "json" is not the value of "state"/],
  ])('rejects a line with %s, naming it, storing nothing of it or after it', async (_case, bad, message) => {
    const storage = memoryStorage();
    const error = await failure([lineOf({ a: 1 }, 'first'), bad, lineOf({ b: 2 }, 'third')], storage);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(2);
    expect((await storage.load({ collection: 'todos', id: 'first' })).version).toBe(1);
    expect((await storage.load(key)).version).toBe(0);
    expect((await storage.load({ collection: 'todos', id: 'third' })).version).toBe(0);
  });
});
