import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateQuery } from '../../src/query/evaluate-query.ts';
import { queryProblem } from '../../src/query/query-problem.ts';
import type { QueryExpression } from '../../src/query/query-expression.ts';
import { sqliteStorage } from '../../src/storage/sqlite-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { Random } from '../helpers/random.ts';

const SCALARS: readonly unknown[] = [0, 1, -1, 2.5, 0.001, 1e21, 'x', 'y', 'Y', '', 'xy', 'é', true, false, null];
const KEYS = ['a', 'b', 'c', '0', '1'] as const;

function randomValue(random: Random, depth: number): unknown {
  const roll = random.next();
  if (depth <= 0 || roll < 0.55) return random.pick(SCALARS);
  if (roll < 0.8) return Array.from({ length: random.int(4) }, () => randomValue(random, depth - 1));
  const object: Record<string, unknown> = {};
  for (const key of KEYS) if (random.chance(0.4)) object[key] = randomValue(random, depth - 1);
  return object;
}

const randomField = (random: Random): string => {
  const length = random.chance(0.6) ? 1 : random.chance(0.75) ? 2 : 3;
  return Array.from({ length }, () => random.pick(KEYS)).join('.');
};
const randomScalars = (random: Random, max: number): unknown[] => Array.from({ length: random.int(max + 1) }, () => random.pick(SCALARS));
/** A value a field may be compared with: a scalar or (now and then) an array of scalars. */
const randomOperand = (random: Random): unknown => (random.chance(0.2) ? randomScalars(random, 2) : random.pick(SCALARS));
const randomBound = (random: Random): unknown => random.pick([0, 1, -1, 2.5, 'x', 'Y', '', 'xy']);

function randomOperators(random: Random, depth: number): Record<string, unknown> {
  const operators: Record<string, unknown> = {};
  const count = random.chance(0.7) ? 1 : 2;
  for (let i = 0; i < count; i++) {
    const op = random.pick(['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists', '$not', '$elemMatch']);
    if (op === '$eq' || op === '$ne') operators[op] = randomOperand(random);
    else if (op === '$in' || op === '$nin') operators[op] = Array.from({ length: random.int(4) }, () => randomOperand(random));
    else if (op === '$exists') operators[op] = random.chance(0.5);
    else if (op === '$not') operators[op] = depth > 0 ? randomOperators(random, depth - 1) : { $gt: 0 };
    else if (op === '$elemMatch') operators[op] = random.chance(0.5) || depth <= 0 ? randomOperators(random, depth - 1) : randomConditions(random, depth - 1);
    else operators[op] = randomBound(random);
  }
  return operators;
}

function randomConditions(random: Random, depth: number): Record<string, unknown> {
  const conditions: Record<string, unknown> = {};
  const count = random.chance(0.7) ? 1 : 2;
  for (let i = 0; i < count; i++) {
    if (depth > 0 && random.chance(0.2)) {
      conditions[random.pick(['$and', '$or', '$nor'])] = Array.from({ length: 1 + random.int(3) }, () => randomConditions(random, depth - 1));
    } else {
      conditions[randomField(random)] = random.chance(0.4) ? randomOperand(random) : randomOperators(random, depth);
    }
  }
  return conditions;
}

function randomQuery(random: Random): QueryExpression {
  const query: Record<string, unknown> = random.chance(0.9) ? randomConditions(random, 3) : {};
  if (random.chance(0.5)) {
    const sort: Record<string, 1 | -1> = {};
    for (let i = 0; i < 1 + random.int(2); i++) sort[randomField(random)] = random.chance(0.5) ? 1 : -1;
    query['$sort'] = sort;
  }
  if (random.chance(0.2)) query['$skip'] = random.int(10);
  if (random.chance(0.3)) query['$limit'] = random.int(10);
  if (random.chance(0.1)) query['$count'] = true;
  return query;
}

const DOCS = 80;
const QUERIES = 2000;
let storage: Storage;
const docs: Record<string, unknown> = {};

beforeAll(async () => {
  const random = new Random(20240611);
  storage = sqliteStorage(':memory:');
  for (let i = 0; i < DOCS; i++) {
    const id = `d${String(i).padStart(3, '0')}`;
    const doc: Record<string, unknown> = {};
    for (const key of KEYS) if (random.chance(0.7)) doc[key] = randomValue(random, 3);
    const json = JSON.stringify(doc);
    docs[id] = JSON.parse(json);
    await storage.saveJson({ collection: 'random', id }, json);
  }
});
afterAll(() => storage.close());

describe('sqliteStorage query on random documents', () => {
  it('selects what evaluateQuery selects for thousands of seeded random queries', async () => {
    const random = new Random(7);
    let checked = 0;
    let selective = 0;
    for (let i = 0; i < QUERIES; i++) {
      const query = randomQuery(random);
      if (queryProblem(query)) continue;
      const expected = evaluateQuery(docs, query);
      const result = await storage.query('random', query);
      const label = JSON.stringify(query);
      if (query['$count'] === true) expect([label, result.count]).toEqual([label, expected.count]);
      else expect([label, result.ids]).toEqual([label, expected.ids]);
      checked += 1;
      const matches = evaluateQuery(docs, { ...query, $skip: 0, $limit: DOCS, $count: false }).count;
      if (matches > 0 && matches < DOCS) selective += 1;
    }
    expect(checked).toBeGreaterThan(QUERIES * 0.9);
    // The generator must produce selective queries, not only all-or-nothing ones.
    expect(selective).toBeGreaterThan(checked * 0.4);
  });
});
