/**
 * What a query selects, by `evaluateQuery` and by a storage, for the
 * agreement tests of the storage query compilers (SQLite, memory, Postgres)
 * over the documents of test/query/query-cases.ts.
 */
import { expect } from 'vitest';
import { evaluateQuery } from '../../src/query/evaluate-query.ts';
import { modifiersOf, type QueryExpression } from '../../src/query/query-expression.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { QUERY_DOCS } from '../query/query-cases.ts';

/** What a query selects: the ids in order, or the number for `$count`. */
export type Selected = readonly string[] | number;

/** The documents as they come back from storage: JSON text, parsed. */
export const parsedQueryDocs: Record<string, unknown> = Object.fromEntries(Object.entries(QUERY_DOCS).map(([id, doc]) => [id, JSON.parse(JSON.stringify(doc))]));

/** What `evaluateQuery` selects over `docs`. */
export function selectedByEvaluateQuery(docs: Record<string, unknown>, query: QueryExpression): Selected {
  const result = evaluateQuery(docs, query);
  return modifiersOf(query).count ? result.count : result.ids;
}

/** What a storage holding QUERY_DOCS in `things` selects, checking the JSON and count it returns along. */
export async function selectedByStorage(storage: Storage, query: QueryExpression): Promise<Selected> {
  const result = await storage.query('things', query);
  expect(result.json).toEqual(result.ids.map((id) => JSON.stringify(QUERY_DOCS[id])));
  if (modifiersOf(query).count) {
    expect(result.ids).toEqual([]);
    return result.count;
  }
  expect(result.count).toBe(result.ids.length);
  return result.ids;
}
