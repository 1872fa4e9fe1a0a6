/**
 * Validation of query expressions: `queryProblem` says what is wrong with an
 * expression (naming the operator or field), or null. Everything that
 * evaluates or compiles a query checks it first, so a malformed expression is
 * an error, never a crash or a silent empty result.
 */
import { FIELD_OPERATORS, isOperatorObject, isPlainObject, LOGICAL_OPERATORS, MODIFIERS } from './query-expression.ts';

/** A field path segment: an identifier-like name or a canonical array index. */
const SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_-]*|0|[1-9][0-9]{0,8})$/;
const MAX_DEPTH = 16;
const MAX_NESTING = 32;

/** Why a field path cannot be used in a query, or null. Paths are dotted; segments are names or array indexes. */
export function fieldProblem(field: string): string | null {
  const segments = field.split('.');
  if (segments.length > MAX_DEPTH) return `field "${field.slice(0, 100)}" is nested deeper than ${MAX_DEPTH} levels`;
  for (const segment of segments) {
    if (segment === '__proto__') return `field "${field.slice(0, 100)}" may not contain __proto__`;
    if (!SEGMENT.test(segment)) {
      return `field "${field.slice(0, 100)}" is not a valid field path (segments are letters, digits, _ and -, not starting with a digit, or array indexes)`;
    }
  }
  return null;
}

/** Why a query expression cannot be evaluated, or null when it is fine. */
export function queryProblem(expression: unknown): string | null {
  if (!isPlainObject(expression)) return 'the query must be an object';
  for (const [key, value] of Object.entries(expression)) {
    const problem = MODIFIERS.has(key) ? modifierProblem(key, value) : conditionProblem(key, value, 0);
    if (problem) return problem;
  }
  return null;
}

function modifierProblem(key: string, value: unknown): string | null {
  if (key === '$sort') {
    if (!isPlainObject(value)) return '$sort must be an object of field: 1 | -1';
    for (const [field, direction] of Object.entries(value)) {
      const problem = fieldProblem(field);
      if (problem) return `$sort: ${problem}`;
      if (direction !== 1 && direction !== -1) return `$sort.${field} must be 1 or -1`;
    }
    return null;
  }
  if (key === '$skip' || key === '$limit') {
    return Number.isSafeInteger(value) && (value as number) >= 0 ? null : `${key} must be a non-negative integer`;
  }
  return typeof value === 'boolean' ? null : '$count must be true or false';
}

/** Checks a set of conditions (a query without modifiers, as inside `$or` or a document `$elemMatch`). */
function conditionsProblem(conditions: unknown, where: string, depth: number): string | null {
  if (!isPlainObject(conditions)) return `${where} needs query objects`;
  for (const [key, value] of Object.entries(conditions)) {
    if (MODIFIERS.has(key)) return `${where}: ${key} belongs at the top level of the query`;
    const problem = conditionProblem(key, value, depth);
    if (problem) return problem;
  }
  return null;
}

function conditionProblem(key: string, value: unknown, depth: number): string | null {
  if (depth > MAX_NESTING) return `the query is nested deeper than ${MAX_NESTING} levels`;
  if (LOGICAL_OPERATORS.has(key)) {
    if (!Array.isArray(value) || value.length === 0) return `${key} must be a non-empty array of queries`;
    for (const part of value) {
      const problem = conditionsProblem(part, key, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (key.startsWith('$')) return `unknown query operator "${key}"`;
  const problem = fieldProblem(key);
  if (problem) return problem;
  return fieldConditionProblem(key, value, depth);
}

/** Checks what a field is compared with: a value (equality) or an operator object. */
function fieldConditionProblem(field: string, condition: unknown, depth: number): string | null {
  if (depth > MAX_NESTING) return `the query is nested deeper than ${MAX_NESTING} levels`;
  if (isPlainObject(condition) && !isOperatorObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.some((key) => key.startsWith('$'))) return `the condition on field "${field}" mixes operators and plain keys`;
    return `field "${field}" is compared with an object: match its fields with dotted paths ("${field}.x") instead`;
  }
  if (!isOperatorObject(condition)) return valueProblem(field, '=', condition);
  for (const [op, operand] of Object.entries(condition)) {
    if (!FIELD_OPERATORS.has(op)) return `unknown operator "${op}" on field "${field}"`;
    const problem = operandProblem(field, op, operand, depth);
    if (problem) return problem;
  }
  return null;
}

function operandProblem(field: string, op: string, operand: unknown, depth: number): string | null {
  switch (op) {
    case '$eq':
    case '$ne':
      return valueProblem(field, op, operand);
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand)) return `${op} on field "${field}" needs an array`;
      for (const item of operand) {
        const problem = valueProblem(field, op, item);
        if (problem) return problem;
      }
      return null;
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) return null;
      return `${op} on field "${field}" needs a number or a string`;
    case '$exists':
      return typeof operand === 'boolean' ? null : `$exists on field "${field}" needs true or false`;
    case '$not':
      if (!isOperatorObject(operand)) return `$not on field "${field}" needs an operator object such as { $gt: 1 }`;
      return fieldConditionProblem(field, operand, depth + 1);
    default: // $elemMatch
      return elemMatchProblem(field, operand, depth);
  }
}

function elemMatchProblem(field: string, operand: unknown, depth: number): string | null {
  if (!isPlainObject(operand) || Object.keys(operand).length === 0) return `$elemMatch on field "${field}" needs a non-empty object`;
  const keys = Object.keys(operand);
  const operators = keys.filter((key) => FIELD_OPERATORS.has(key));
  if (operators.length === keys.length) return fieldConditionProblem(field, operand, depth + 1);
  if (operators.length > 0) return `$elemMatch on field "${field}" mixes operators (${operators[0]}) and fields`;
  return conditionsProblem(operand, `$elemMatch on field "${field}"`, depth + 1);
}

/** A value a field may be compared with: JSON scalars, null, or arrays of them. */
function valueProblem(field: string, op: string, value: unknown): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${op} on field "${field}" needs a finite number`;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!(item === null || typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item)))) {
        return `${op} on field "${field}": arrays compared with a field may hold only strings, numbers, booleans and null`;
      }
    }
    return null;
  }
  if (isPlainObject(value)) return `field "${field}" is compared with an object: match its fields with dotted paths ("${field}.x") instead`;
  return `${op} on field "${field}" cannot compare with ${typeof value}`;
}
