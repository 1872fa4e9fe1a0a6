import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateQuery } from '../../src/query/evaluate-query.ts';
import { queryProblem } from '../../src/query/query-problem.ts';
import { compileQuery } from '../../src/storage/sqlite-query.ts';
import { sqliteStorage } from '../../src/storage/sqlite-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { Random } from '../helpers/random.ts';
import { randomDocument, randomQuery } from '../helpers/random-query.ts';

const DOCS = 80;
const QUERIES = 2000;
// Indexes over the generated fields, so that top-level equalities seek them (sqlite-index-seek.ts).
const INDEXES = [['a'], ['b', 'a'], ['a', 'c'], ['c.a', 'b'], ['b.0']];
let storage: Storage;
let indexed: Storage;
const docs: Record<string, unknown> = {};

beforeAll(async () => {
  const random = new Random(20240611);
  storage = sqliteStorage(':memory:');
  indexed = sqliteStorage(':memory:', { indexes: { random: INDEXES } });
  for (let i = 0; i < DOCS; i++) {
    const id = `d${String(i).padStart(3, '0')}`;
    const json = JSON.stringify(randomDocument(random));
    docs[id] = JSON.parse(json);
    await storage.saveJson({ collection: 'random', id }, json);
    await indexed.saveJson({ collection: 'random', id }, json);
  }
});
afterAll(async () => {
  await storage.close();
  await indexed.close();
});

describe('sqliteStorage query on random documents', () => {
  it('selects what evaluateQuery selects for thousands of seeded random queries', async () => {
    const random = new Random(7);
    let checked = 0;
    let selective = 0;
    let seeking = 0;
    for (let i = 0; i < QUERIES; i++) {
      const query = randomQuery(random);
      if (queryProblem(query)) continue;
      const expected = evaluateQuery(docs, query);
      const label = JSON.stringify(query);
      for (const [name, from] of [['plain', storage], ['indexed', indexed]] as const) {
        const result = await from.query('random', query);
        if (query['$count'] === true) expect([name, label, result.count]).toEqual([name, label, expected.count]);
        else expect([name, label, result.ids]).toEqual([name, label, expected.ids]);
      }
      checked += 1;
      if (compileQuery('random', query, INDEXES).sql.includes('INDEXED BY')) seeking += 1;
      const matches = evaluateQuery(docs, { ...query, $skip: 0, $limit: DOCS, $count: false }).count;
      if (matches > 0 && matches < DOCS) selective += 1;
    }
    expect(checked).toBeGreaterThan(QUERIES * 0.9);
    // The generator must produce selective queries, not only all-or-nothing ones.
    expect(selective).toBeGreaterThan(checked * 0.4);
    // And queries that seek an index.
    expect(seeking).toBeGreaterThan(checked * 0.05);
  });
});
