import { Query } from 'mingo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_OPERATORS, LOGICAL_OPERATORS, MODIFIERS, modifiersOf, type QueryExpression } from '../../src/query/query-expression.ts';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import { sqliteStorage } from '../../src/storage/sqlite-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { parsedQueryDocs, selectedByEvaluateQuery, selectedByStorage, type Selected } from '../helpers/query-agreement.ts';
import { NOT_MINGO_CASES, QUERY_CASES, QUERY_DOCS, type QueryCase } from './query-cases.ts';

/** The reference: mingo filters and sorts (with `_id` as the last key, in the last sort key's direction, so ties go by id); skip and limit are a slice. */
const byMingo = (query: QueryExpression): Selected => {
  const criteria: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) if (!MODIFIERS.has(key)) criteria[key] = value;
  const { sort, skip, limit, count } = modifiersOf(query);
  const docs = Object.entries(parsedQueryDocs).map(([id, doc]) => ({ ...(doc as object), _id: id }));
  const last = sort.length > 0 ? (sort[sort.length - 1] as readonly [string, 1 | -1])[1] : 1;
  const sorted = new Query(criteria, {}).find(docs).sort({ ...Object.fromEntries(sort), _id: last }).all() as Array<{ _id: string }>;
  const page = sorted.slice(skip, limit === undefined ? undefined : skip + limit).map((doc) => doc._id);
  return count ? page.length : page;
};

/** Every operator and modifier a query uses, at any depth. */
function operatorsOf(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) operatorsOf(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key.startsWith('$')) found.add(key);
      operatorsOf(inner, found);
    }
  }
  return found;
}

let sqlite: Storage;
let memory: Storage;

beforeAll(async () => {
  sqlite = sqliteStorage(':memory:');
  memory = memoryStorage();
  for (const storage of [sqlite, memory]) {
    for (const [id, doc] of Object.entries(QUERY_DOCS)) await storage.saveJson({ collection: 'things', id }, JSON.stringify(doc));
    // Never selected: another collection, a deleted document, a document with updates but no JSON.
    await storage.saveJson({ collection: 'other', id: 'a' }, JSON.stringify(QUERY_DOCS['a']));
    await storage.saveJson({ collection: 'things', id: 'deleted' }, JSON.stringify({ n: 1 }));
    await storage.saveJson({ collection: 'things', id: 'deleted' }, null);
    await storage.append({ collection: 'things', id: 'unsaved' }, [new Uint8Array([1])]);
  }
});
afterAll(async () => {
  await sqlite.close();
  await memory.close();
});

describe('query cases', () => {
  it('has at least 70 cases checked against mingo and covers every operator and modifier', () => {
    expect(QUERY_CASES.length).toBeGreaterThanOrEqual(70);
    const used = operatorsOf([...QUERY_CASES, ...NOT_MINGO_CASES].map((entry) => entry.query));
    for (const operator of [...FIELD_OPERATORS, ...LOGICAL_OPERATORS, ...MODIFIERS]) expect(used).toContain(operator);
  });

  it('gives each case a distinct name', () => {
    const names = [...QUERY_CASES, ...NOT_MINGO_CASES].map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('query agreement: evaluateQuery, sqliteStorage, memoryStorage and mingo', () => {
  it.each(QUERY_CASES.map((entry): [string, QueryCase] => [entry.name, entry]))('selects the same ids in the same order: %s', async (_name, { query }) => {
    const expected = selectedByEvaluateQuery(parsedQueryDocs, query);
    expect(await selectedByStorage(sqlite, query)).toEqual(expected);
    expect(await selectedByStorage(memory, query)).toEqual(expected);
    expect(byMingo(query)).toEqual(expected);
  });
});

describe('query agreement where mingo differs: evaluateQuery, sqliteStorage and memoryStorage', () => {
  it.each(NOT_MINGO_CASES.map((entry): [string, QueryCase] => [entry.name, entry]))('selects the same ids in the same order: %s', async (_name, { query }) => {
    const expected = selectedByEvaluateQuery(parsedQueryDocs, query);
    expect(await selectedByStorage(sqlite, query)).toEqual(expected);
    expect(await selectedByStorage(memory, query)).toEqual(expected);
    // Documents why the case is here: mingo really does select something else.
    expect(byMingo(query)).not.toEqual(expected);
  });
});
