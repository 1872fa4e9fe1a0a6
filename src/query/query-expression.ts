/**
 * The query language of yracer: Mongo-style expressions over JSON documents,
 * shared by the model (evaluated over loaded documents), the storage adapters
 * (compiled to SQL) and the server (live queries). This folder imports
 * nothing, so every layer may use it.
 */

/**
 * A query expression: field conditions plus the `$sort`, `$skip`, `$limit`
 * and `$count` modifiers.
 *
 * @example
 * const active: QueryExpression = { done: false, $sort: { createdAt: -1 }, $limit: 50 };
 */
export type QueryExpression = Readonly<Record<string, unknown>>;

/** A `$sort` modifier: fields in priority order, 1 ascending, -1 descending. */
export type QuerySort = Readonly<Record<string, 1 | -1>>;

/** The documents a query selects, in order. */
export interface QueryResult<T = unknown> {
  /** Ids of the matching documents, sorted, skipped and limited. */
  readonly ids: readonly string[];
  /** The documents, in the order of `ids`. */
  readonly docs: readonly T[];
  /** Number of matches (after `$skip`/`$limit`); what a `$count` query returns. */
  readonly count: number;
}

/** Result modifiers: keys of an expression that are not conditions. */
export const MODIFIERS: ReadonlySet<string> = new Set(['$sort', '$skip', '$limit', '$count']);

/** Operators allowed inside a field's operator object (`{ field: { $gt: 1 } }`). */
export const FIELD_OPERATORS: ReadonlySet<string> = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$not',
  '$elemMatch',
]);

/** Logical operators allowed where conditions are (`{ $or: [...] }`). */
export const LOGICAL_OPERATORS: ReadonlySet<string> = new Set(['$and', '$or', '$nor']);

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the value is an operator object: non-empty, every key starts with `$`. */
export function isOperatorObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

/** The `$skip`, `$limit`, `$count` and `$sort` of a (valid) expression. */
export interface QueryModifiers {
  readonly sort: ReadonlyArray<readonly [field: string, direction: 1 | -1]>;
  readonly skip: number;
  readonly limit: number | undefined;
  readonly count: boolean;
}

/** Reads the modifiers of a valid expression. */
export function modifiersOf(expression: QueryExpression): QueryModifiers {
  const sort = expression['$sort'] as QuerySort | undefined;
  return {
    sort: sort ? Object.entries(sort) : [],
    skip: (expression['$skip'] as number | undefined) ?? 0,
    limit: expression['$limit'] as number | undefined,
    count: expression['$count'] === true,
  };
}

/** The expression without `$skip`, `$limit` and `$count` (conditions and `$sort`). */
export function withoutPaging(expression: QueryExpression): QueryExpression {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expression)) if (key !== '$skip' && key !== '$limit' && key !== '$count') rest[key] = value;
  return rest;
}
