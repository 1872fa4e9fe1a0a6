/**
 * `compilePostgresQuery(collection, expression)`: a query expression as one
 * Postgres `SELECT` over the `jsonb` column `doc` of `yracer_documents`,
 * giving exactly the ids, in exactly the order, that `evaluateQuery` gives
 * over the same JSON values (the semantics are documented in
 * `src/query/match-query.ts`), and that the SQLite compiler gives.
 *
 * - Values are always bound parameters (`$1::text`, `$2::float8[]`, ...).
 *   Field paths are `text[]` literals (checked twice, see `postgres-sort.ts`)
 *   so expression indexes can match. `$in` lists are bound as one array
 *   each, so the SQL text does not depend on their length.
 * - Types are told apart with `jsonb_typeof`, so JSON `true` never equals 1;
 *   numbers compare as `float8`, like JavaScript numbers (integers beyond
 *   2^53 compare as they parse in JavaScript); strings compare with
 *   `COLLATE "C"`, the byte order of UTF-8, which is code point order, as
 *   `compareStrings` orders them.
 * - A predicate may be NULL where it means false (a missing field); `NOT`
 *   is written `IS NOT TRUE`, so NULL never leaks through a negation
 *   (`$ne`, `$nin`, `$not`, `$nor`). Casts and `jsonb_array_elements` only
 *   ever see values of the right type (guarded by `CASE`), so no document
 *   can make a query fail.
 * - `$sort` orders by `sortKeySql` of each field, then by id in the
 *   direction of the last sort key (ascending without `$sort`).
 * - Strings compared with are cleaned like the `doc` column
 *   (`cleanQueryString`: U+0000 becomes U+FFFD, see `postgres-text.ts`).
 */
import { assertQuery } from '../query/evaluate-query.ts';
import { FIELD_OPERATORS, LOGICAL_OPERATORS, MODIFIERS, isOperatorObject, modifiersOf, type QueryExpression } from '../query/query-expression.ts';
import { chooseIndex, useArms, type KeyCandidate } from './index-seek.ts';
import { armsSql } from './postgres-index-seek.ts';
import { cleanQueryString } from './postgres-text.ts';
import type { CompiledPostgresQuery, PostgresQueryParam, PostgresQueryTables } from './compiled-postgres-query.ts';
import { numberSql, pathSql, sortKeySql, stringSql } from './postgres-sort.ts';

/** Joins terms into a balanced tree (a long `$or` stays shallow). */
function join(terms: readonly string[], op: 'AND' | 'OR'): string {
  if (terms.length === 0) return op === 'AND' ? 'true' : 'false';
  if (terms.length === 1) return terms[0] as string;
  const middle = Math.ceil(terms.length / 2);
  return `(${join(terms.slice(0, middle), op)} ${op} ${join(terms.slice(middle), op)})`;
}
const and = (terms: readonly string[]): string => join(terms, 'AND');
const or = (terms: readonly string[]): string => join(terms, 'OR');
const not = (term: string): string => `(${term}) IS NOT TRUE`;
const isType = (value: string, type: string): string => `jsonb_typeof(${value}) = '${type}'`;
/** The elements of `value` when it is an array, no rows otherwise. */
const elements = (value: string, alias: string): string => `jsonb_array_elements(CASE WHEN ${isType(value, 'array')} THEN ${value} END) AS ${alias}(v)`;

const RANGE_OPERATORS: Readonly<Record<string, string>> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

/** Builds the SQL of one query; `$n` placeholders are numbered in the order they are made. */
class Compiler {
  readonly params: PostgresQueryParam[] = [];
  private aliases = 0;

  param(value: PostgresQueryParam, type: string): string {
    this.params.push(value);
    return `$${this.params.length}::${type}`;
  }

  alias(): string {
    this.aliases += 1;
    return `e${this.aliases}`;
  }

  /** The conditions of a query (or of a `$or` branch, or a document `$elemMatch`) below `base`, a `jsonb` expression, but those of the `skip` fields. */
  conditions(expression: QueryExpression, base: string, skip: ReadonlySet<string> = new Set()): string {
    const terms: string[] = [];
    for (const [key, condition] of Object.entries(expression)) {
      if (MODIFIERS.has(key) || skip.has(key)) continue;
      if (LOGICAL_OPERATORS.has(key)) {
        const parts = (condition as QueryExpression[]).map((part) => this.conditions(part, base));
        terms.push(key === '$and' ? and(parts) : key === '$or' ? or(parts) : not(or(parts)));
      } else {
        terms.push(this.condition(pathSql(base, key), condition));
      }
    }
    return and(terms);
  }

  /** The field (below `doc`) is an array holding one of the candidates (for an index seek, see `postgres-index-seek.ts`). */
  holds(field: string, candidates: readonly KeyCandidate[]): string {
    const e = this.alias();
    return `EXISTS (SELECT 1 FROM ${elements(pathSql('doc', field), e)} WHERE ${this.equalsAny(`${e}.v`, candidates)})`;
  }

  /** A condition on `value` (a `jsonb` expression, NULL when missing): a value (equality) or an operator object. */
  condition(value: string, condition: unknown): string {
    if (!isOperatorObject(condition)) return this.equalsOrContains(value, [condition]);
    return and(Object.entries(condition).map(([op, operand]) => this.operator(value, op, operand)));
  }

  private operator(value: string, op: string, operand: unknown): string {
    switch (op) {
      case '$eq':
        return this.equalsOrContains(value, [operand]);
      case '$ne':
        return not(this.equalsOrContains(value, [operand]));
      case '$in':
        return this.equalsOrContains(value, operand as unknown[]);
      case '$nin':
        return not(this.equalsOrContains(value, operand as unknown[]));
      case '$exists':
        return operand === true ? `${value} IS NOT NULL` : `${value} IS NULL`;
      case '$not':
        return not(this.condition(value, operand));
      case '$elemMatch':
        return this.elemMatch(value, operand as QueryExpression);
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const e = this.alias();
        const self = this.inRange(value, op, operand as string | number);
        return or([self, `EXISTS (SELECT 1 FROM ${elements(value, e)} WHERE ${this.inRange(`${e}.v`, op, operand as string | number)})`]);
      }
      default:
        throw new TypeError(`yracer query: unknown operator "${op}"`);
    }
  }

  private inRange(value: string, op: string, operand: string | number): string {
    const sqlOp = RANGE_OPERATORS[op] as string;
    if (typeof operand === 'string') return `${stringSql(value)} ${sqlOp} ${this.param(cleanQueryString(operand), 'text')}`;
    return `${numberSql(value)} ${sqlOp} ${this.param(operand, 'float8')}`;
  }

  private elemMatch(value: string, operand: QueryExpression): string {
    const e = this.alias();
    const element = `${e}.v`;
    const operatorForm = Object.keys(operand).every((key) => FIELD_OPERATORS.has(key));
    const match = operatorForm
      ? this.condition(element, operand)
      : and([isType(element, 'object'), this.conditions(operand, `(CASE WHEN ${isType(element, 'object')} THEN ${element} END)`)]);
    return `EXISTS (SELECT 1 FROM ${elements(value, e)} WHERE ${match})`;
  }

  /** The value equals one of the candidates, or is an array holding one; a null candidate also matches a missing value. */
  private equalsOrContains(value: string, candidates: readonly unknown[]): string {
    const self = this.equalsAny(value, candidates);
    const missing = candidates.includes(null) ? [`${value} IS NULL`] : [];
    const e = this.alias();
    const contains = `EXISTS (SELECT 1 FROM ${elements(value, e)} WHERE ${this.equalsAny(`${e}.v`, candidates)})`;
    return or([self, ...missing, contains]);
  }

  /** The value equals one of the candidates (JSON scalars, or arrays of them compared whole). */
  private equalsAny(value: string, candidates: readonly unknown[]): string {
    const strings = candidates.filter((c): c is string => typeof c === 'string').map(cleanQueryString);
    const numbers = candidates.filter((c): c is number => typeof c === 'number');
    const terms: string[] = [];
    for (const constant of [true, false, null]) if (candidates.includes(constant)) terms.push(`${value} = '${String(constant)}'::jsonb`);
    if (strings.length === 1) terms.push(`${stringSql(value)} = ${this.param(strings[0] as string, 'text')}`);
    if (strings.length > 1) terms.push(`${stringSql(value)} = ANY(${this.param(strings, 'text[]')})`);
    if (numbers.length === 1) terms.push(`${numberSql(value)} = ${this.param(numbers[0] as number, 'float8')}`);
    if (numbers.length > 1) terms.push(`${numberSql(value)} = ANY(${this.param(numbers, 'float8[]')})`);
    for (const candidate of candidates) if (Array.isArray(candidate)) terms.push(this.arrayEquals(value, candidate));
    return or(terms);
  }

  /** The value is an array equal, element by element, to `expected` (JSON scalars), bound as one `jsonb` parameter. */
  private arrayEquals(value: string, expected: readonly unknown[]): string {
    if (expected.length === 0) return `${value} = '[]'::jsonb`;
    const a = this.alias();
    const b = this.alias();
    const cleaned = expected.map((item) => (typeof item === 'string' ? cleanQueryString(item) : item));
    const same = `CASE WHEN ${isType(`${a}.v`, 'number')} THEN ${numberSql(`${b}.v`)} = (${a}.v)::float8 ELSE ${a}.v = ${b}.v END`;
    const pairs =
      `SELECT 1 FROM jsonb_array_elements(CASE WHEN ${isType(value, 'array')} THEN ${value} END) WITH ORDINALITY AS ${a}(v, i) ` +
      `JOIN jsonb_array_elements(${this.param(JSON.stringify(cleaned), 'jsonb')}) WITH ORDINALITY AS ${b}(v, i) ON ${a}.i = ${b}.i WHERE ${not(same)}`;
    const length = `jsonb_array_length(CASE WHEN ${isType(value, 'array')} THEN ${value} END) = ${expected.length}`;
    return and([length, `NOT EXISTS (${pairs})`]);
  }
}

/**
 * Compiles a query over one collection to Postgres SQL. Throws a
 * `TypeError` for an invalid expression, exactly where the SQLite compiler
 * does (see `queryProblem`). The SQL selects `id` and `json` of the
 * matching documents, sorted, skipped and limited (`documentsSql` also
 * their `state`, `version` and update log), or for `$count` one row
 * `{ count }`: the number of matches after `$skip` and `$limit`. Equalities
 * on the leading fields of one of the declared `indexes` (field lists) seek
 * it (see `postgres-index-seek.ts`).
 *
 * @example
 * const { sql, params } = compilePostgresQuery('todos', { done: false, $sort: { createdAt: -1 }, $limit: 50 });
 * await pool.query(sql, [...params]);
 */
export function compilePostgresQuery(
  collection: string,
  expression: QueryExpression,
  tables: PostgresQueryTables = { documents: 'yracer_documents', updates: 'yracer_updates' },
  indexes: ReadonlyArray<readonly string[]> = [],
): CompiledPostgresQuery {
  assertQuery(expression);
  const compiler = new Compiler();
  const seek = chooseIndex(expression, indexes);
  if (seek && useArms(seek)) {
    const modifiers = modifiersOf(expression);
    return { ...armsSql(compiler, collection, expression, seek, modifiers, tables), params: compiler.params, count: modifiers.count };
  }
  const where = `collection = ${compiler.param(collection, 'text')} AND doc IS NOT NULL AND ${compiler.conditions(expression, 'doc')}`;
  const { sort, skip, limit, count } = modifiersOf(expression);
  // Ties go by id in the direction of the last sort key, so an index on the sort keys (which ends with the id) serves the whole ORDER BY.
  const last = sort.length > 0 ? (sort[sort.length - 1] as readonly [string, 1 | -1])[1] : 1;
  const order = [
    ...sort.flatMap(([field, direction]) => sortKeySql(field).map((key) => `${key} ${direction === 1 ? 'ASC' : 'DESC'}`)),
    `id ${last === 1 ? 'ASC' : 'DESC'}`,
  ];
  let paging = '';
  if (limit !== undefined) paging += ` LIMIT ${compiler.param(limit, 'bigint')}`;
  if (skip > 0) paging += ` OFFSET ${compiler.param(skip, 'bigint')}`;
  const from = `FROM ${tables.documents} AS d WHERE ${where}`;
  if (count) {
    const sql = paging ? `SELECT count(*) AS count FROM (SELECT 1 ${from}${paging}) AS page` : `SELECT count(*) AS count ${from}`;
    return { sql, params: compiler.params, count: true };
  }
  const rest = `${from} ORDER BY ${order.join(', ')}${paging}`;
  const updates = `ARRAY(SELECT u.data FROM ${tables.updates} AS u WHERE u.collection = d.collection AND u.id = d.id ORDER BY u.version) AS updates`;
  return { sql: `SELECT id, json ${rest}`, documentsSql: `SELECT id, json, state, version, ${updates} ${rest}`, params: compiler.params, count: false };
}
