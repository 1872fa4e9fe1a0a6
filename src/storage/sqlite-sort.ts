/**
 * JSON paths, `$sort` keys and expression indexes for the SQLite query
 * compiler (see `sqlite-query.ts`).
 *
 * Field paths are embedded in the SQL as JSON-path literals (`'$."a"."b"'`),
 * never as bound parameters, so that an expression index over the same
 * expression can serve a query. That is safe only because every segment is
 * checked twice: by `fieldProblem` of the query language, and again here by
 * `fieldSegments` with a strict pattern (names of letters, digits, `_` and
 * `-`, or canonical array indexes). Each name is quoted (`."name"`).
 */
import { fieldProblem } from '../query/query-problem.ts';

const NAME_SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]{0,255}$/;
const INDEX_SEGMENT = /^(?:0|[1-9][0-9]{0,8})$/;

/** A JSON path as SQL: a string literal, or an expression when it depends on the document (array indexes). */
export interface SqlPath {
  /** The SQL text evaluating to the path. */
  readonly sql: string;
  /** The path itself when `sql` is a plain literal, else null. */
  readonly literal: string | null;
  /** False when the expression holds a subquery (SQLite forbids those in indexes). */
  readonly indexable: boolean;
}

/**
 * Splits a field path into segments, throwing a `TypeError` naming the field
 * when a segment is not a plain name or a canonical array index (or is
 * `__proto__`). A second check behind `queryProblem`, as defense in depth.
 */
export function fieldSegments(field: string, where = 'yracer query'): readonly string[] {
  const problem = fieldProblem(field);
  if (problem) throw new TypeError(`${where}: ${problem}`);
  const segments = field.split('.');
  for (const segment of segments) {
    if ((!NAME_SEGMENT.test(segment) && !INDEX_SEGMENT.test(segment)) || segment === '__proto__') {
      throw new TypeError(`${where}: field "${field.slice(0, 100)}" cannot be used in a query`);
    }
  }
  return segments;
}

/** The path `$` (the value itself). */
const ROOT_PATH: SqlPath = { sql: "'$'", literal: '$', indexable: true };

/**
 * Extends a path by one (already checked) segment, the way `fieldValue` reads
 * it: a name is an object key; an index reads an array element when the
 * parent is an array and the key of that name otherwise, which needs the
 * parent's type (`json_type(base, parent)`) and so makes the path an
 * expression. After the first such segment the parent path is itself an
 * expression; it is bound once in a subquery so the SQL grows linearly.
 */
function childPath(base: string, parent: SqlPath, segment: string): SqlPath {
  if (!INDEX_SEGMENT.test(segment)) {
    if (!NAME_SEGMENT.test(segment)) throw new TypeError(`yracer query: invalid path segment "${segment.slice(0, 100)}"`);
    if (parent.literal !== null) {
      const literal = `${parent.literal}."${segment}"`;
      return { sql: `'${literal}'`, literal, indexable: true };
    }
    return { sql: `(${parent.sql} || '."${segment}"')`, literal: null, indexable: parent.indexable };
  }
  if (parent.literal !== null) {
    const p = parent.literal;
    return { sql: `CASE json_type(${base}, '${p}') WHEN 'array' THEN '${p}[${segment}]' ELSE '${p}."${segment}"' END`, literal: null, indexable: true };
  }
  return {
    sql: `(SELECT CASE json_type(${base}, p) WHEN 'array' THEN p || '[${segment}]' ELSE p || '."${segment}"' END FROM (SELECT ${parent.sql} AS p))`,
    literal: null,
    indexable: false,
  };
}

/** The path of a dotted field below `base` (a SQL expression holding JSON text). */
export function fieldPath(base: string, field: string): SqlPath {
  return fieldSegments(field).reduce((path, segment) => childPath(base, path, segment), ROOT_PATH);
}

/**
 * The `$sort` key of one field as a single SQL expression, in the total order
 * of `sortCompare`: missing and null (NULL) first, then numbers (as REAL, like
 * JavaScript numbers), strings (TEXT), then objects, arrays, false and true as
 * the BLOBs `x'00'` to `x'03'`. SQLite orders NULL < numbers < TEXT < BLOB,
 * so one expression carries both the type rank and the value; objects (and
 * arrays) compare equal among themselves, leaving the tie to the id.
 *
 * Queries order by this expression and `sqliteStorage`'s `indexes` option
 * indexes the identical text (with `base` = `json`), so the index serves the
 * `ORDER BY`.
 */
export function sortKeySql(field: string, base = 'json'): string {
  return sortKeyOfPath(base, fieldPath(base, field).sql);
}

function sortKeyOfPath(base: string, path: string): string {
  return (
    `CASE json_type(${base}, ${path}) WHEN 'object' THEN x'00' WHEN 'array' THEN x'01' WHEN 'false' THEN x'02' ` +
    `WHEN 'true' THEN x'03' WHEN 'integer' THEN CAST(json_extract(${base}, ${path}) AS REAL) ELSE json_extract(${base}, ${path}) END`
  );
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable hash for index names. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The `CREATE INDEX IF NOT EXISTS` statement of an expression index over
 * `(collection, sort key of each field...)` for documents that exist
 * (`json IS NOT NULL`, which every query says too). The index covers every
 * collection, since `collection` leads it; its name is derived from the
 * fields and a hash of the statement, so the same fields asked for by two
 * collections share one index, and a changed key expression gets a new index.
 * Throws a `TypeError` naming a field that cannot be indexed.
 */
export function indexSql(fields: readonly string[]): { readonly name: string; readonly sql: string } {
  if (fields.length === 0) throw new TypeError('yracer sqliteStorage indexes: an index needs at least one field');
  const keys = fields.map((field) => {
    const path = fieldPath('json', field);
    if (!path.indexable) throw new TypeError(`yracer sqliteStorage indexes: field "${field}" has more than one array index and cannot be indexed`);
    return sortKeyOfPath('json', path.sql);
  });
  const body = `ON yracer_documents (collection, ${keys.join(', ')}) WHERE json IS NOT NULL`;
  const label = fields.join('_').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 48);
  const name = `yracer_idx_${label}_${hash(body)}`;
  return { name, sql: `CREATE INDEX IF NOT EXISTS "${name}" ${body}` };
}
