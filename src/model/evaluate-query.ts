/**
 * Mongo-style queries evaluated over documents the model holds (loaded
 * documents only; live queries answered by the server come later).
 *
 * Supported: field equality (dotted paths reach into objects and arrays),
 * `$eq $ne $gt $gte $lt $lte $in $nin $exists`, `$and $or $nor`, and the
 * result modifiers `$sort` (`{ field: 1 | -1 }`), `$skip`, `$limit` and
 * `$count`. An unknown operator is a `TypeError` naming it, never a silent
 * match-all.
 */

/** A query: field conditions plus the `$sort`, `$skip`, `$limit` and `$count` modifiers. */
export type Query = Readonly<Record<string, unknown>>;

/** The documents a query selects, in order. */
export interface QueryResult<T = unknown> {
  /** Ids of the matching documents, sorted, skipped and limited. */
  readonly ids: readonly string[];
  /** The documents, in the order of `ids`. */
  readonly docs: readonly T[];
  /** Number of matches (after `$skip`/`$limit`); what a `$count` query returns. */
  readonly count: number;
}

const MODIFIERS = new Set(['$sort', '$skip', '$limit', '$count']);
const COMPARISONS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);

/** Why a query cannot be evaluated, or null when it is fine. */
export function queryProblem(query: unknown): string | null {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) return 'the query must be an object';
  for (const [key, value] of Object.entries(query)) {
    if (key === '$sort') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return '$sort must be an object of field: 1 | -1';
      for (const [field, direction] of Object.entries(value)) {
        if (direction !== 1 && direction !== -1) return `$sort.${field} must be 1 or -1`;
      }
    } else if (key === '$skip' || key === '$limit') {
      if (!Number.isSafeInteger(value) || (value as number) < 0) return `${key} must be a non-negative integer`;
    } else if (key === '$count') {
      if (typeof value !== 'boolean') return '$count must be true or false';
    } else {
      const problem = conditionProblem(key, value);
      if (problem) return problem;
    }
  }
  return null;
}

function conditionProblem(key: string, value: unknown): string | null {
  if (key === '$and' || key === '$or' || key === '$nor') {
    if (!Array.isArray(value) || value.length === 0) return `${key} must be a non-empty array of queries`;
    for (const part of value) {
      const problem = queryProblem(part);
      if (problem) return `${key}: ${problem}`;
      if (Object.keys(part as object).some((k) => MODIFIERS.has(k))) return `${key}: modifiers belong at the top level`;
    }
    return null;
  }
  if (key.startsWith('$')) return `unknown query operator "${key}"`;
  if (isOperatorObject(value)) {
    for (const [op, operand] of Object.entries(value)) {
      if (!COMPARISONS.has(op)) return `unknown operator "${op}" on field "${key}"`;
      if ((op === '$in' || op === '$nin') && !Array.isArray(operand)) return `${op} on field "${key}" needs an array`;
      if (op === '$exists' && typeof operand !== 'boolean') return `$exists on field "${key}" needs true or false`;
    }
  }
  return null;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** True when the document matches the query's conditions (modifiers are ignored). */
export function matchesQuery(doc: unknown, query: Query): boolean {
  for (const [key, condition] of Object.entries(query)) {
    if (MODIFIERS.has(key)) continue;
    if (key === '$and') {
      if (!(condition as Query[]).every((part) => matchesQuery(doc, part))) return false;
    } else if (key === '$or') {
      if (!(condition as Query[]).some((part) => matchesQuery(doc, part))) return false;
    } else if (key === '$nor') {
      if ((condition as Query[]).some((part) => matchesQuery(doc, part))) return false;
    } else if (!matchesField(fieldValue(doc, key), condition)) {
      return false;
    }
  }
  return true;
}

function fieldValue(doc: unknown, path: string): unknown {
  let node = doc;
  for (const segment of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function matchesField(value: unknown, condition: unknown): boolean {
  if (!isOperatorObject(condition)) return equalsOrContains(value, condition);
  for (const [op, operand] of Object.entries(condition)) {
    if (!compare(op, value, operand)) return false;
  }
  return true;
}

function compare(op: string, value: unknown, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      return equalsOrContains(value, operand);
    case '$ne':
      return !equalsOrContains(value, operand);
    case '$in':
      return (operand as unknown[]).some((candidate) => equalsOrContains(value, candidate));
    case '$nin':
      return !(operand as unknown[]).some((candidate) => equalsOrContains(value, candidate));
    case '$exists':
      return (value !== undefined) === operand;
    default: {
      const order = orderOf(value, operand);
      if (order === null) return false;
      if (op === '$gt') return order > 0;
      if (op === '$gte') return order >= 0;
      if (op === '$lt') return order < 0;
      return order <= 0; // $lte
    }
  }
}

/** Equality as in Mongo: deep equality, or an array field containing the value. */
function equalsOrContains(value: unknown, expected: unknown): boolean {
  if (deepEqual(value, expected)) return true;
  if (expected === null && value === undefined) return true;
  return Array.isArray(value) && !Array.isArray(expected) && value.some((item) => deepEqual(item, expected));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** Compares two numbers, two strings or two booleans; null for anything else. */
function orderOf(a: unknown, b: unknown): number | null {
  if (typeof a !== typeof b) return null;
  if (typeof a === 'number' || typeof a === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  return null;
}

/** Sort rank for `$sort`: undefined < null < numbers < strings < booleans < objects. */
function sortCompare(a: unknown, b: unknown): number {
  const rank = (v: unknown): number =>
    v === undefined ? 0 : v === null ? 1 : typeof v === 'number' ? 2 : typeof v === 'string' ? 3 : typeof v === 'boolean' ? 4 : 5;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  return orderOf(a, b) ?? 0;
}

/**
 * Evaluates a query over a collection snapshot (`{ [id]: doc }`). Without
 * `$sort` the documents come in id order, so the result does not depend on
 * the order documents were loaded in.
 *
 * @example
 * evaluateQuery(model.get('todos') ?? {}, { done: false, $sort: { createdAt: 1 }, $limit: 20 });
 */
export function evaluateQuery<T = unknown>(collection: Readonly<Record<string, T>>, query: Query): QueryResult<T> {
  const problem = queryProblem(query);
  if (problem) throw new TypeError(`yracer query: ${problem}`);
  let ids = Object.keys(collection).filter((id) => matchesQuery(collection[id], query));
  const sort = query['$sort'] as Record<string, 1 | -1> | undefined;
  const fields = sort ? Object.entries(sort) : [];
  ids.sort((a, b) => {
    for (const [field, direction] of fields) {
      const order = sortCompare(fieldValue(collection[a], field), fieldValue(collection[b], field));
      if (order !== 0) return order * direction;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const skip = (query['$skip'] as number | undefined) ?? 0;
  const limit = query['$limit'] as number | undefined;
  ids = ids.slice(skip, limit === undefined ? undefined : skip + limit);
  return { ids, docs: ids.map((id) => collection[id] as T), count: ids.length };
}
