/**
 * `compileQuery(collection, expression)`: a query expression as one SQLite
 * `SELECT` over `yracer_documents`, giving exactly the ids, in exactly the
 * order, that `evaluateQuery` gives over the same JSON values (the semantics
 * are documented in `src/query/match-query.ts`).
 *
 * - Values are always bound parameters. Field paths are JSON-path literals
 *   (checked twice, see `sqlite-sort.ts`) so expression indexes can match.
 *   `$in` lists and whole arrays are bound as one JSON text each (read with
 *   `json_each`), so the SQL text, and the cached statement, does not
 *   depend on their length.
 * - Types are told apart with `json_type`, so JSON `true` never equals 1,
 *   while integers and reals compare by value, as REAL like JavaScript
 *   numbers (so integers beyond 2^53 compare as they parse in JavaScript).
 * - Array elements come from `json_each`, whose `value` is an SQL value for
 *   scalars but JSON text for objects and arrays; JSON functions are only
 *   applied to it under a `CASE` on its `type` (a plain string is not JSON).
 * - Every predicate is a strict 0 or 1, never NULL, so `NOT` (for `$ne`,
 *   `$nin`, `$not`, `$nor`) is exact.
 * - `$sort` orders by `sortKeySql` of each field, then by id in the direction
 *   of the last sort key (ascending without `$sort`).
 *
 * Strings: SQLite compares their UTF-8 bytes, which is code point order; the
 * JS evaluator compares by code point too (`compareStrings`), not with `<`.
 */
import { assertQuery } from '../query/evaluate-query.ts';
import { FIELD_OPERATORS, LOGICAL_OPERATORS, MODIFIERS, isOperatorObject, modifiersOf, type QueryExpression } from '../query/query-expression.ts';
import { fieldPath, indexSql, sortKeySql, type SqlPath } from './sqlite-sort.ts';

/** A compiled query: SQL text and its positional parameters. */
export interface CompiledQuery {
  /** The SQL: rows of `{ id, json }`, or one row `{ count }` when `count` is true. */
  readonly sql: string;
  /** Values for the `?` placeholders, in order (strings and numbers only). */
  readonly params: ReadonlyArray<string | number>;
  /** True for a `$count` query. */
  readonly count: boolean;
  /** For a document query: the same SQL, its rows also giving `state` and `version`. */
  readonly documentsSql?: string;
}

/** A JSON value inside the row, as SQL: its type name (NULL when missing), value, and how to reach below it. */
interface Ref {
  readonly type: string;
  readonly value: string;
  /** `json_array_length` of the value (meaningful only when it is an array). */
  readonly length: string;
  /** A table-valued `json_each(...)` over the value (meaningful only when it is an array). */
  readonly elements: string;
}

const DOCUMENT = 'yracer_documents.json';
const NUMBER_TYPES = ['integer', 'real'] as const;

const pathRef = (base: string, path: SqlPath): Ref => ({
  type: `json_type(${base}, ${path.sql})`,
  value: `json_extract(${base}, ${path.sql})`,
  length: `json_array_length(${base}, ${path.sql})`,
  elements: `json_each(${base}, ${path.sql})`,
});

/** An element of `json_each` (alias `e`): scalars come as SQL values, objects and arrays as JSON text. */
const elementRef = (e: string): Ref => {
  const container = `CASE WHEN ${e}.type IS 'array' THEN ${e}.value END`;
  return {
    type: `${e}.type`,
    value: `${e}.value`,
    length: `json_array_length(${container})`,
    elements: `json_each(${container})`,
  };
};

const typeIs = (type: string, names: readonly string[]): string => or(names.map((name) => `${type} IS '${name}'`));

/** Joins terms into a balanced tree, so long lists stay within SQLite's expression depth limit. */
function join(terms: readonly string[], op: 'AND' | 'OR'): string {
  if (terms.length === 0) return op === 'AND' ? '1' : '0';
  if (terms.length === 1) return terms[0] as string;
  const middle = Math.ceil(terms.length / 2);
  return `(${join(terms.slice(0, middle), op)} ${op} ${join(terms.slice(middle), op)})`;
}
const and = (terms: readonly string[]): string => join(terms, 'AND');
const or = (terms: readonly string[]): string => join(terms, 'OR');
const not = (term: string): string => `(NOT ${term})`;

/** Builds the SQL of one query; placeholders are pushed in the order they appear in the text. */
class Compiler {
  readonly params: Array<string | number> = [];
  private aliases = 0;

  param(value: string | number): string {
    this.params.push(value);
    return '?';
  }

  alias(): string {
    this.aliases += 1;
    return `e${this.aliases}`;
  }

  /** The conditions of a query (or of a `$or` branch, or a document `$elemMatch`) below `base`. */
  conditions(expression: QueryExpression, base: string): string {
    const terms: string[] = [];
    for (const [key, condition] of Object.entries(expression)) {
      if (MODIFIERS.has(key)) continue;
      if (LOGICAL_OPERATORS.has(key)) {
        const parts = (condition as QueryExpression[]).map((part) => this.conditions(part, base));
        terms.push(key === '$and' ? and(parts) : key === '$or' ? or(parts) : not(or(parts)));
      } else {
        terms.push(this.condition(pathRef(base, fieldPath(base, key)), condition));
      }
    }
    return and(terms);
  }

  /** A field's condition: a value (equality) or an operator object. */
  condition(ref: Ref, condition: unknown): string {
    if (!isOperatorObject(condition)) return this.equalsOrContains(ref, [condition]);
    return and(Object.entries(condition).map(([op, operand]) => this.operator(ref, op, operand)));
  }

  private operator(ref: Ref, op: string, operand: unknown): string {
    switch (op) {
      case '$eq':
        return this.equalsOrContains(ref, [operand]);
      case '$ne':
        return not(this.equalsOrContains(ref, [operand]));
      case '$in':
        return this.equalsOrContains(ref, operand as unknown[]);
      case '$nin':
        return not(this.equalsOrContains(ref, operand as unknown[]));
      case '$exists':
        return operand === true ? `${ref.type} IS NOT NULL` : `${ref.type} IS NULL`;
      case '$not':
        return not(this.condition(ref, operand));
      case '$elemMatch':
        return this.elemMatch(ref, operand as QueryExpression);
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const self = this.inRange(ref, op, operand as string | number);
        const e = this.alias();
        const element = this.inRange(elementRef(e), op, operand as string | number);
        return or([self, and([`${ref.type} IS 'array'`, `EXISTS (SELECT 1 FROM ${ref.elements} AS ${e} WHERE ${element})`])]);
      }
      default:
        throw new TypeError(`yracer query: unknown operator "${op}"`);
    }
  }

  private inRange(ref: Ref, op: string, operand: string | number): string {
    const sqlOp = op === '$gt' ? '>' : op === '$gte' ? '>=' : op === '$lt' ? '<' : '<=';
    if (typeof operand === 'string') return and([`${ref.type} IS 'text'`, `${ref.value} ${sqlOp} ${this.param(operand)}`]);
    return and([typeIs(ref.type, NUMBER_TYPES), `CAST(${ref.value} AS REAL) ${sqlOp} ${this.param(operand)}`]);
  }

  private elemMatch(ref: Ref, operand: QueryExpression): string {
    const e = this.alias();
    const element = elementRef(e);
    const operatorForm = Object.keys(operand).every((key) => FIELD_OPERATORS.has(key));
    const match = operatorForm
      ? this.condition(element, operand)
      : and([`${e}.type IS 'object'`, this.conditions(operand, `CASE WHEN ${e}.type IS 'object' THEN ${e}.value END`)]);
    return and([`${ref.type} IS 'array'`, `EXISTS (SELECT 1 FROM ${ref.elements} AS ${e} WHERE ${match})`]);
  }

  /** The value equals one of the candidates, or is an array holding one; a null candidate also matches a missing value. */
  private equalsOrContains(ref: Ref, candidates: readonly unknown[]): string {
    const self = this.equalsAny(ref, candidates);
    const missing = candidates.includes(null) ? [`${ref.type} IS NULL`] : [];
    const e = this.alias();
    const element = this.equalsAny(elementRef(e), candidates);
    const contains = and([`${ref.type} IS 'array'`, `EXISTS (SELECT 1 FROM ${ref.elements} AS ${e} WHERE ${element})`]);
    return or([self, ...missing, contains]);
  }

  /** The value equals one of the candidates (JSON scalars, or arrays of them compared whole). */
  private equalsAny(ref: Ref, candidates: readonly unknown[]): string {
    const strings = candidates.filter((c): c is string => typeof c === 'string');
    const numbers = candidates.filter((c): c is number => typeof c === 'number');
    const terms: string[] = [];
    for (const name of ['true', 'false', 'null'] as const) {
      if (candidates.includes(name === 'true' ? true : name === 'false' ? false : null)) terms.push(`${ref.type} IS '${name}'`);
    }
    if (strings.length === 1) terms.push(and([`${ref.type} IS 'text'`, `${ref.value} = ${this.param(strings[0] as string)}`]));
    if (strings.length > 1) {
      terms.push(and([`${ref.type} IS 'text'`, `${ref.value} IN (SELECT value FROM json_each(${this.param(JSON.stringify(strings))}))`]));
    }
    if (numbers.length === 1) terms.push(and([typeIs(ref.type, NUMBER_TYPES), `CAST(${ref.value} AS REAL) = ${this.param(numbers[0] as number)}`]));
    if (numbers.length > 1) {
      const list = `SELECT CAST(value AS REAL) FROM json_each(${this.param(JSON.stringify(numbers))})`;
      terms.push(and([typeIs(ref.type, NUMBER_TYPES), `CAST(${ref.value} AS REAL) IN (${list})`]));
    }
    for (const candidate of candidates) if (Array.isArray(candidate)) terms.push(this.arrayEquals(ref, candidate));
    return or(terms);
  }

  /** The value is an array equal, element by element, to `expected` (JSON scalars), bound as one JSON parameter. */
  private arrayEquals(ref: Ref, expected: readonly unknown[]): string {
    if (expected.length === 0) return and([`${ref.type} IS 'array'`, `${ref.length} = 0`]);
    const a = this.alias();
    const b = this.alias();
    const same = or([
      and([`${a}.type = ${b}.type`, or([`${a}.type IN ('true', 'false', 'null')`, `${a}.value = ${b}.value`])]),
      and([typeIs(`${a}.type`, NUMBER_TYPES), typeIs(`${b}.type`, NUMBER_TYPES), `CAST(${a}.value AS REAL) = CAST(${b}.value AS REAL)`]),
    ]);
    const differs = `EXISTS (SELECT 1 FROM ${ref.elements} AS ${a} JOIN json_each(${this.param(JSON.stringify(expected))}) AS ${b} ON ${b}.key = ${a}.key WHERE ${not(same)})`;
    return and([`${ref.type} IS 'array'`, `${ref.length} = ${expected.length}`, not(differs)]);
  }
}

/**
 * Redundant, index-friendly terms for top-level equalities with a scalar:
 * `{ f: v }` can only match where the sort key of `f` (the expression
 * `indexes` index) is `v`'s key or the array key, so `sortKey(f) IN (key(v),
 * x'01')` is added before the exact test. An index whose first field is `f`
 * then finds the candidates without reading the other documents.
 */
function keyFilters(expression: QueryExpression, compiler: Compiler): string[] {
  const filters: string[] = [];
  for (const field of keyFields(expression)) {
    const condition = expression[field];
    const value = isOperatorObject(condition) ? condition['$eq'] : condition;
    const key = typeof value === 'boolean' ? (value ? "x'03'" : "x'02'") : compiler.param(value as string | number);
    filters.push(`${sortKeySql(field)} IN (${key}, x'01')`);
  }
  return filters;
}

/** The top-level fields compared for equality with a string, number or boolean (what `keyFilters` narrows). */
function keyFields(expression: QueryExpression): string[] {
  const fields: string[] = [];
  for (const [field, condition] of Object.entries(expression)) {
    if (field.startsWith('$')) continue;
    const value = isOperatorObject(condition) && Object.keys(condition).length === 1 ? condition['$eq'] : condition;
    if (!['string', 'number', 'boolean'].includes(typeof value) || !fieldPath('json', field).indexable) continue;
    fields.push(field);
  }
  return fields;
}

/**
 * The declared index to use for a query, if one starts with fields the query
 * compares for equality (SQLite's planner, without statistics, does not pick
 * an expression index for them by itself): the one matching the most leading
 * equality fields, then continuing with the most `$sort` keys.
 */
function chooseIndex(expression: QueryExpression, indexes: ReadonlyArray<readonly string[]>): string | null {
  const equal = new Set(keyFields(expression));
  if (equal.size === 0) return null;
  const sort = modifiersOf(expression).sort.map(([field]) => field);
  let best: { name: string; score: number } | null = null;
  for (const fields of indexes) {
    let prefix = 0;
    while (prefix < fields.length && equal.has(fields[prefix] as string)) prefix += 1;
    if (prefix === 0) continue;
    let ordered = 0;
    while (prefix + ordered < fields.length && fields[prefix + ordered] === sort[ordered]) ordered += 1;
    const score = prefix * 100 + ordered;
    if (!best || score > best.score) best = { name: indexSql(fields).name, score };
  }
  return best?.name ?? null;
}

/**
 * Compiles a query over one collection to SQL, using one of the declared
 * `indexes` (field lists) when it starts with fields the query compares for
 * equality. Throws a `TypeError` for an invalid expression (see `queryProblem`). The SQL selects `id` and `json`
 * of the matching documents, sorted, skipped and limited (`documentsSql`
 * also their `state`), or for `$count` one row `{ count }`: the number of
 * matches after `$skip` and `$limit`.
 *
 * @example
 * const { sql, params } = compileQuery('todos', { done: false, $sort: { createdAt: -1 }, $limit: 50 });
 * db.prepare(sql).all(...params);
 */
export function compileQuery(collection: string, expression: QueryExpression, indexes: ReadonlyArray<readonly string[]> = []): CompiledQuery {
  assertQuery(expression);
  const index = chooseIndex(expression, indexes);
  const table = index ? `yracer_documents INDEXED BY "${index}"` : 'yracer_documents';
  const compiler = new Compiler();
  compiler.param(collection);
  // The key filters only help an index seek; without one they are extra work on every row.
  const keys = index ? keyFilters(expression, compiler) : [];
  const where = `collection = ? AND json IS NOT NULL AND ${[...keys, compiler.conditions(expression, DOCUMENT)].join(' AND ')}`;
  const { sort, skip, limit, count } = modifiersOf(expression);
  let paging = '';
  if (limit !== undefined || skip > 0) paging = ` LIMIT ${compiler.param(limit ?? -1)} OFFSET ${compiler.param(skip)}`;
  if (count) {
    const sql = paging
      ? `SELECT count(*) AS count FROM (SELECT 1 FROM ${table} WHERE ${where}${paging})`
      : `SELECT count(*) AS count FROM ${table} WHERE ${where}`;
    return { sql, params: compiler.params, count: true };
  }
  // Ties go by id in the direction of the last sort key, so an index on the sort keys (which ends with the id) serves the whole ORDER BY.
  const last = sort.length > 0 ? (sort[sort.length - 1] as readonly [string, 1 | -1])[1] : 1;
  const order = [...sort.map(([field, direction]) => `${sortKeySql(field)} ${direction === 1 ? 'ASC' : 'DESC'}`), `id ${last === 1 ? 'ASC' : 'DESC'}`];
  const rest = `FROM ${table} WHERE ${where} ORDER BY ${order.join(', ')}${paging}`;
  return { sql: `SELECT id, json ${rest}`, documentsSql: `SELECT id, json, state, version ${rest}`, params: compiler.params, count: false };
}
