/**
 * `evaluateQuery(collection, expression)`: a query over a collection snapshot
 * (`{ [id]: doc }`): matching, `$sort` (ties broken by id, in the direction of
 * the last sort key),
 * `$skip`, `$limit`. An invalid expression is a `TypeError` naming the
 * problem, never a silent match-all.
 */
import { sortCompare } from './compare-values.ts';
import { fieldValue, matchesQuery } from './match-query.ts';
import { modifiersOf, type QueryExpression, type QueryResult } from './query-expression.ts';
import { queryProblem } from './query-problem.ts';

/** Throws a `TypeError` (prefixed with `where`) when the expression is invalid. */
export function assertQuery(expression: unknown, where = 'yracer query'): asserts expression is QueryExpression {
  const problem = queryProblem(expression);
  if (problem) throw new TypeError(`${where}: ${problem}`);
}

/**
 * A comparator of document ids by the expression's `$sort`, reading
 * documents with `docOf`. Ties go by id, in the direction of the last sort
 * key (ascending without `$sort`), so an index on the sort keys serves the
 * whole order.
 */
export function sortComparator(expression: QueryExpression, docOf: (id: string) => unknown): (a: string, b: string) => number {
  const { sort } = modifiersOf(expression);
  const last = sort.length > 0 ? (sort[sort.length - 1] as readonly [string, 1 | -1])[1] : 1;
  return (a, b) => {
    for (const [field, direction] of sort) {
      const order = sortCompare(fieldValue(docOf(a), field), fieldValue(docOf(b), field));
      if (order !== 0) return order * direction;
    }
    return (a < b ? -1 : a > b ? 1 : 0) * last;
  };
}

/**
 * Evaluates a query over a collection snapshot. Without `$sort` the documents
 * come in id order, so the result does not depend on loading order.
 *
 * @example
 * evaluateQuery(model.get('todos') ?? {}, { done: false, $sort: { createdAt: 1 }, $limit: 20 });
 */
export function evaluateQuery<T = unknown>(collection: Readonly<Record<string, T>>, expression: QueryExpression): QueryResult<T> {
  assertQuery(expression);
  const ids = Object.keys(collection).filter((id) => matchesQuery(collection[id], expression));
  ids.sort(sortComparator(expression, (id) => collection[id]));
  const { skip, limit } = modifiersOf(expression);
  const page = ids.slice(skip, limit === undefined ? undefined : skip + limit);
  return { ids: page, docs: page.map((id) => collection[id] as T), count: page.length };
}

/** The top-level field paths an expression reads (conditions, `$elemMatch` bases and `$sort` keys). */
export function queryFields(expression: QueryExpression): Set<string> {
  const fields = new Set<string>();
  const visit = (conditions: QueryExpression): void => {
    for (const [key, value] of Object.entries(conditions)) {
      if (key === '$sort') for (const field of Object.keys(value as object)) fields.add(field);
      else if (key === '$and' || key === '$or' || key === '$nor') (value as QueryExpression[]).forEach(visit);
      else if (!key.startsWith('$')) fields.add(key);
    }
  };
  visit(expression);
  return fields;
}
