/**
 * Seeded random documents and query expressions for the agreement tests of
 * the storage query compilers (mixed types, nesting, arrays, every operator
 * and modifier). Some generated queries are invalid; callers skip those
 * (`queryProblem`).
 */
import type { QueryExpression } from '../../src/query/query-expression.ts';
import type { Random } from './random.ts';

const SCALARS: readonly unknown[] = [0, 1, -1, 2.5, 0.001, 1e21, 'x', 'y', 'Y', '', 'xy', 'é', '\u{1F600}', '\uFFFF', true, false, null];
const KEYS = ['a', 'b', 'c', '0', '1'] as const;

function randomValue(random: Random, depth: number): unknown {
  const roll = random.next();
  if (depth <= 0 || roll < 0.55) return random.pick(SCALARS);
  if (roll < 0.8) return Array.from({ length: random.int(4) }, () => randomValue(random, depth - 1));
  const object: Record<string, unknown> = {};
  for (const key of KEYS) if (random.chance(0.4)) object[key] = randomValue(random, depth - 1);
  return object;
}

/** A random document: an object with some of the keys, holding random values up to three levels deep. */
export function randomDocument(random: Random): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const key of KEYS) if (random.chance(0.7)) doc[key] = randomValue(random, 3);
  return doc;
}

const randomField = (random: Random): string => {
  const length = random.chance(0.6) ? 1 : random.chance(0.75) ? 2 : 3;
  return Array.from({ length }, () => random.pick(KEYS)).join('.');
};
const randomScalars = (random: Random, max: number): unknown[] => Array.from({ length: random.int(max + 1) }, () => random.pick(SCALARS));
/** A value a field may be compared with: a scalar or (now and then) an array of scalars. */
const randomOperand = (random: Random): unknown => (random.chance(0.2) ? randomScalars(random, 2) : random.pick(SCALARS));
const randomBound = (random: Random): unknown => random.pick([0, 1, -1, 2.5, 'x', 'Y', '', 'xy', '\uFFFF']);

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

/** A random query: conditions nested up to three levels, and now and then `$sort`, `$skip`, `$limit` and `$count`. */
export function randomQuery(random: Random): QueryExpression {
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
