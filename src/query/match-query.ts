/**
 * `matchesQuery(doc, expression)`: whether one document satisfies an
 * expression's conditions (modifiers ignored). The expression must be valid
 * (see `queryProblem`).
 *
 * Semantics, shared with the SQL compiler of the storage adapters:
 * - A dotted path walks objects by key and arrays by index; it does not fan
 *   out over the elements of an array (use `$elemMatch` for that).
 * - `{ f: v }` and `$eq` match when the field equals `v` or is an array that
 *   contains `v`; `{ f: null }` also matches a missing field.
 * - `$gt $gte $lt $lte` compare numbers with numbers and strings with strings
 *   (also against the elements of an array field); other types never match.
 * - `$ne` and `$nin` are the negations of `$eq` and `$in`; `$not` negates an
 *   operator object; `$exists` tests presence (null is present).
 * - `$elemMatch` matches an array with an element satisfying every operator
 *   (`{ $gt: 1, $lt: 5 }`) or, for arrays of objects, every condition.
 */
import { jsonEqual, rangeCompare } from './compare-values.ts';
import { FIELD_OPERATORS, isOperatorObject, isPlainObject, MODIFIERS, type QueryExpression } from './query-expression.ts';

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/** The value at a dotted path of a document, or undefined. Objects are read by own key, arrays by index only. */
export function fieldValue(doc: unknown, field: string): unknown {
  let node = doc;
  for (const segment of field.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    if (Array.isArray(node) && !INDEX.test(segment)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** True when the document matches the expression's conditions (modifiers are ignored). */
export function matchesQuery(doc: unknown, expression: QueryExpression): boolean {
  for (const [key, condition] of Object.entries(expression)) {
    if (MODIFIERS.has(key)) continue;
    if (key === '$and') {
      if (!(condition as QueryExpression[]).every((part) => matchesQuery(doc, part))) return false;
    } else if (key === '$or') {
      if (!(condition as QueryExpression[]).some((part) => matchesQuery(doc, part))) return false;
    } else if (key === '$nor') {
      if ((condition as QueryExpression[]).some((part) => matchesQuery(doc, part))) return false;
    } else if (!matchesCondition(fieldValue(doc, key), condition)) {
      return false;
    }
  }
  return true;
}

/** Whether a field's value satisfies a condition (a value for equality, or an operator object). */
export function matchesCondition(value: unknown, condition: unknown): boolean {
  if (!isOperatorObject(condition)) return equalsOrContains(value, condition);
  for (const [op, operand] of Object.entries(condition)) {
    if (!matchesOperator(op, value, operand)) return false;
  }
  return true;
}

function matchesOperator(op: string, value: unknown, operand: unknown): boolean {
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
    case '$not':
      return !matchesCondition(value, operand);
    case '$elemMatch':
      return Array.isArray(value) && value.some((element) => elementMatches(element, operand as QueryExpression));
    default:
      return inRange(op, value, operand) || (Array.isArray(value) && value.some((element) => inRange(op, element, operand)));
  }
}

function elementMatches(element: unknown, operand: QueryExpression): boolean {
  const operatorForm = Object.keys(operand).every((key) => FIELD_OPERATORS.has(key));
  if (operatorForm) return matchesCondition(element, operand);
  return isPlainObject(element) && matchesQuery(element, operand);
}

function inRange(op: string, value: unknown, operand: unknown): boolean {
  const order = rangeCompare(value, operand);
  if (order === null) return false;
  if (op === '$gt') return order > 0;
  if (op === '$gte') return order >= 0;
  if (op === '$lt') return order < 0;
  return order <= 0; // $lte
}

/** Equality as in MongoDB: the field equals the value, or is an array containing it; null also matches a missing field. */
function equalsOrContains(value: unknown, expected: unknown): boolean {
  if (jsonEqual(value, expected)) return true;
  if (expected === null && value === undefined) return true;
  return Array.isArray(value) && value.some((item) => jsonEqual(item, expected));
}
