/**
 * JSON paths, typed reads, `$sort` keys and expression indexes for the
 * Postgres query compiler (see `postgres-query.ts`), over the `jsonb`
 * column `doc` of `yracer_documents`.
 *
 * A field path is embedded in the SQL as a `text[]` literal for the `#>`
 * operator (`d.doc #> '{"a","0"}'`), never as a bound parameter, so that an
 * expression index over the same expression can serve a query. That is safe
 * only because every segment is checked twice, by `queryProblem` and by
 * `fieldSegments` (letters, digits, `_` and `-`, or canonical array
 * indexes). `#>` reads a path the way `fieldValue` does: an object by key,
 * an array by index (a name on an array, or any segment on a scalar, is
 * missing: SQL NULL), and `'0'` reads the key "0" of an object.
 */
import { fieldSegments } from './sqlite-sort.ts';

/**
 * The `jsonb` value at a dotted field below `base` (a `jsonb` SQL
 * expression): NULL when missing. Throws a `TypeError` naming a field that
 * is not a valid path.
 *
 * @example
 * pathSql('doc', 'items.0.name'); // `(doc #> '{"items","0","name"}')`
 */
export function pathSql(base: string, field: string): string {
  const segments = fieldSegments(field);
  return `(${base} #> '{${segments.map((segment) => `"${segment}"`).join(',')}}')`;
}

/**
 * `value` (a `jsonb` expression) as `float8` when it is a JSON number, else
 * NULL; never an error, since the cast only sees numbers.
 *
 * @example
 * `${numberSql(pathSql('doc', 'n'))} > $2::float8`;
 */
export const numberSql = (value: string): string => `CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value})::float8 END`;

/**
 * `value` (a `jsonb` expression) as text in code point order (`COLLATE "C"`)
 * when it is a JSON string, else NULL.
 *
 * @example
 * `${stringSql(pathSql('doc', 's'))} >= $2::text`;
 */
export const stringSql = (value: string): string => `CASE WHEN jsonb_typeof(${value}) = 'string' THEN (${value} #>> '{}') COLLATE "C" END`;

/**
 * The type rank of `sortRank` as SQL, with false and true apart: 0 missing
 * or null, 1 number, 2 string, 3 object, 4 array, 5 false, 6 true.
 *
 * @example
 * `ORDER BY ${rankSql(pathSql('doc', 'n'))}`;
 */
export const rankSql = (value: string): string =>
  `CASE jsonb_typeof(${value}) WHEN 'number' THEN 1 WHEN 'string' THEN 2 WHEN 'object' THEN 3 WHEN 'array' THEN 4 ` +
  `WHEN 'boolean' THEN CASE WHEN ${value} = 'true'::jsonb THEN 6 ELSE 5 END ELSE 0 END`;

/**
 * The `$sort` key of one field as three SQL expressions, in the total order
 * of `sortCompare`: the type rank, then the number (`float8`, like a
 * JavaScript number) and the string (code point order). Within a rank at
 * most one of the last two is not NULL, so they never compare NULL with a
 * value; objects (and arrays) compare equal among themselves, leaving the
 * tie to the id.
 *
 * Queries order by these expressions and `postgresStorage`'s `indexes`
 * option indexes the identical text, so the index serves the `ORDER BY`.
 *
 * @example
 * const order = sortKeySql('createdAt').map((key) => `${key} DESC`).join(', ');
 */
export function sortKeySql(field: string, base = 'doc'): readonly [rank: string, number: string, string: string] {
  const value = pathSql(base, field);
  return [rankSql(value), numberSql(value), stringSql(value)];
}

/**
 * How many fields one index may hold: Postgres allows 32 columns, each field
 * takes 3, plus `collection` and `id`.
 *
 * @example
 * if (fields.length > MAX_INDEX_FIELDS) throw new TypeError('too many fields');
 */
export const MAX_INDEX_FIELDS = 10;

/** FNV-1a, 32 bits, as 8 hex digits: a short stable hash for index names. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The `CREATE INDEX IF NOT EXISTS` statement of an expression index over
 * `(collection, sort key of each field..., id)` of `table`, for documents
 * that exist (`doc IS NOT NULL`, which every query says too). Ending with
 * `id` lets a scan return ties in id order, so a `$limit`ed query stops
 * early. The index covers every collection, since `collection` leads it;
 * its name (at most 63 bytes) comes from the fields and a hash of the key
 * text, so the same fields asked for by two collections share one index,
 * and a changed key expression gets a new index. Throws a `TypeError`
 * naming a field that cannot be used.
 *
 * @example
 * indexSql('"public".yracer_documents', ['createdAt']).sql;
 * // CREATE INDEX IF NOT EXISTS "yracer_idx_createdAt_1a2b3c4d" ON "public".yracer_documents (collection, CASE ..., id) WHERE doc IS NOT NULL
 */
export function indexSql(table: string, fields: readonly string[]): { readonly name: string; readonly sql: string } {
  if (fields.length === 0) throw new TypeError('yracer postgresStorage indexes: an index needs at least one field');
  if (fields.length > MAX_INDEX_FIELDS) throw new TypeError(`yracer postgresStorage indexes: an index holds at most ${MAX_INDEX_FIELDS} fields`);
  const keys = fields.flatMap((field) => sortKeySql(field).map((key) => `(${key})`));
  const columns = `(collection, ${keys.join(', ')}, id) WHERE doc IS NOT NULL`;
  const label = fields.join('_').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
  const name = `yracer_idx_${label}_${hash(columns)}`;
  return { name, sql: `CREATE INDEX IF NOT EXISTS "${name}" ON ${table} ${columns}` };
}
