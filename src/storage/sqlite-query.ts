/**
 * `compileQuery(collection, expression)`: a query expression as one SQLite
 * `SELECT` over `yracer_documents`, giving exactly the ids, in exactly the
 * order, that `evaluateQuery` gives over the same JSON values (the semantics
 * are documented in `src/query/match-query.ts`).
 *
 * - Values are always bound parameters (`$limit` and `$skip` are checked
 *   integer literals, see `integer`). Field paths are JSON-path literals
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
 * - Top-level equalities on the leading fields of a declared index seek it
 *   by their sort keys (`sqlite-index-seek.ts`).
 *
 * Strings: SQLite compares their UTF-8 bytes, which is code point order; the
 * JS evaluator compares by code point too (`compareStrings`), not with `<`.
 */
import { assertQuery } from '../query/evaluate-query.ts';
import { FIELD_OPERATORS, LOGICAL_OPERATORS, MODIFIERS, isOperatorObject, modifiersOf, type QueryExpression } from '../query/query-expression.ts';
import { useArms } from './index-seek.ts';
import { ARRAY_KEY, chooseIndex, seekTerm, type KeyCandidate } from './sqlite-index-seek.ts';
import { fieldPath, sortKeySql, type SqlPath } from './sqlite-sort.ts';

/** A compiled query: SQL text and its positional parameters. */
export interface CompiledQuery {
  /** The SQL: rows of `{ id, json }` (and, from an index seek, the sort keys `_s0`, `_s1`, ...), or one row `{ count }` when `count` is true. */
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

  /** The conditions of a query (or of a `$or` branch, or a document `$elemMatch`) below `base`, but those of the `skip` fields. */
  conditions(expression: QueryExpression, base: string, skip: ReadonlySet<string> = new Set()): string {
    const terms: string[] = [];
    for (const [key, condition] of Object.entries(expression)) {
      if (MODIFIERS.has(key) || skip.has(key)) continue;
      if (LOGICAL_OPERATORS.has(key)) {
        const parts = (condition as QueryExpression[]).map((part) => this.conditions(part, base));
        terms.push(key === '$and' ? and(parts) : key === '$or' ? or(parts) : not(or(parts)));
      } else {
        terms.push(this.condition(pathRef(base, fieldPath(base, key)), condition));
      }
    }
    return and(terms);
  }

  /**
   * The exact test of a top-level equality whose field an index seek narrows
   * to the candidates' sort keys or the array key (see `sqlite-index-seek.ts`):
   * a non-array value passed the seek by its key, which SQLite reads from the
   * index; an array must hold a candidate. With `arm`, the seek took only
   * the candidates' keys (`value`: nothing to test) or only arrays.
   */
  seekedEquality(field: string, candidates: readonly KeyCandidate[], arm?: 'value' | 'array'): string | null {
    if (arm === 'value') return null;
    const ref = pathRef(DOCUMENT, fieldPath(DOCUMENT, field));
    const e = this.alias();
    const holds = `EXISTS (SELECT 1 FROM ${ref.elements} AS ${e} WHERE ${this.equalsAny(elementRef(e), candidates)})`;
    return arm === 'array' ? holds : or([`${sortKeySql(field)} IS NOT ${ARRAY_KEY}`, holds]);
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
 * `$limit` and `$skip` go into the SQL text as integer literals: a bound
 * LIMIT makes SQLite prepare a statement with a `json_each` in it again on
 * every run (about the cost of the query itself for a small result).
 */
function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`yracer query: ${String(value)} is not an integer`);
  return String(value);
}

/**
 * Compiles a query over one collection to SQL, seeking one of the declared
 * `indexes` (field lists) when it starts with fields the query compares for
 * equality (see `sqlite-index-seek.ts`). Throws a `TypeError` for an invalid expression (see `queryProblem`). The SQL selects `id` and `json`
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
  const seek = chooseIndex(expression, indexes);
  const table = seek ? `yracer_documents INDEXED BY "${seek.name}"` : 'yracer_documents';
  const seeked = seek?.fields ?? [];
  const { sort, skip, limit, count } = modifiersOf(expression);
  const compiler = new Compiler();
  const param = (value: string | number): string => compiler.param(value);
  /** The WHERE of the whole query (no `arms`), or of the arm seeking the array key for the fields whose bit is set in `arm`. */
  const where = (arm?: number): string => {
    compiler.param(collection);
    const armOf = (i: number): 'value' | 'array' | undefined => (arm === undefined ? undefined : (arm >> i) & 1 ? 'array' : 'value');
    // Placeholders are numbered in text order: the seek terms, their exact tests, then the other conditions.
    const seeks = seeked.map(([field, candidates], i) => seekTerm(field, candidates, param, armOf(i)));
    const exact = seeked.flatMap(([field, candidates], i) => compiler.seekedEquality(field, candidates, armOf(i)) ?? []);
    const rest = compiler.conditions(expression, DOCUMENT, new Set(seeked.map(([field]) => field)));
    return `collection = ? AND json IS NOT NULL AND ${[...seeks, ...exact, rest].join(' AND ')}`;
  };
  const paging = (): string => (limit !== undefined || skip > 0 ? ` LIMIT ${integer(limit ?? -1)} OFFSET ${integer(skip)}` : '');
  if (count) {
    const filter = where();
    const limits = paging();
    const sql = limits
      ? `SELECT count(*) AS count FROM (SELECT 1 FROM ${table} WHERE ${filter}${limits})`
      : `SELECT count(*) AS count FROM ${table} WHERE ${filter}`;
    return { sql, params: compiler.params, count: true };
  }
  // Ties go by id in the direction of the last sort key, so an index on the sort keys (which ends with the id) serves the whole ORDER BY.
  const last = sort.length > 0 ? (sort[sort.length - 1] as readonly [string, 1 | -1])[1] : 1;
  const directions = [...sort.map(([, direction]) => (direction === 1 ? 'ASC' : 'DESC')), last === 1 ? 'ASC' : 'DESC'];
  // SQLite sorts the rows of a seek of two keys, copying each row's JSON and state into the sorter; merging arms copies nothing.
  if (!seek || !useArms(seek)) {
    const order = [...sort.map(([field]) => sortKeySql(field)), 'id'].map((key, i) => `${key} ${directions[i] as string}`);
    const body = `FROM ${table} WHERE ${where()} ORDER BY ${order.join(', ')}${paging()}`;
    return { sql: `SELECT id, json ${body}`, documentsSql: `SELECT id, json, state, version, state_version ${body}`, params: compiler.params, count: false };
  }
  // One SELECT per choice of value or array key for each seeked field: each walks its part of the index in sort order, and SQLite merges them.
  const keys = sort.map(([field], i) => `, ${sortKeySql(field)} AS _s${i}`).join('');
  const filters = Array.from({ length: 2 ** seeked.length }, (_, arm) => where(arm));
  const order = [...sort.map((_, i) => `_s${i}`), 'id'].map((key, i) => `${key} ${directions[i] as string}`);
  const tail = ` ORDER BY ${order.join(', ')}${paging()}`;
  const text = (columns: string): string => filters.map((filter) => `SELECT ${columns}${keys} FROM ${table} WHERE ${filter}`).join(' UNION ALL ') + tail;
  return { sql: text('id, json'), documentsSql: text('id, json, state, version, state_version'), params: compiler.params, count: false };
}
