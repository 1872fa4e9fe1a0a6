/**
 * Index seeks for the SQLite query compiler (`sqlite-query.ts`): which
 * declared index a query's top-level equalities can seek, and the terms that
 * seek it.
 *
 * An index made by `indexSql` holds, per field, the field's sort key
 * (`sortKeySql`), which keeps the JSON type: `false` is `x'02'`, `true`
 * `x'03'`, a number its REAL value, a string its TEXT, any array `x'01'`,
 * null and a missing field NULL. A non-array value equals a string, number
 * or boolean `v` exactly when its key equals `v`'s key, so for
 * `{ f: v }` (also `{ f: { $eq: v } }` and `{ f: { $in: [...] } }` of such
 * values) the compiler emits
 *
 * - the seek `key(f) IN (key(v)..., x'01')`, which SQLite serves from the
 *   index (the array key because an array holding `v` matches too), and
 * - the exact test `key(f) IS NOT x'01' OR <an element equals v>`, which
 *   SQLite reads from the same index entry for every non-array value, so
 *   only arrays are parsed.
 *
 * Together they are exactly `evaluateQuery`'s equality; null candidates (which
 * also match a missing field), objects and arrays keep the general test.
 * A sorted query with single values splits instead into one `SELECT` per
 * key (`useArms`), each seeking one key, that SQLite merges in index order.
 */
import type { QueryExpression } from '../query/query-expression.ts';
import { chooseIndex as chooseAnyIndex, type IndexSeek, type KeyCandidate } from './index-seek.ts';
import { fieldPath, indexSql, sortKeySql } from './sqlite-sort.ts';

export type { KeyCandidate } from './index-seek.ts';

/** The index a query seeks (see `index-seek.ts`), with its name for `INDEXED BY`. */
export interface SqliteIndexSeek extends IndexSeek {
  readonly name: string;
}

/**
 * The declared index to seek for a query, if one starts with fields the query
 * compares for equality (SQLite's planner, without statistics, does not pick
 * an expression index for them by itself, so the SQL names it).
 */
export function chooseIndex(expression: QueryExpression, indexes: ReadonlyArray<readonly string[]>): SqliteIndexSeek | null {
  const seek = chooseAnyIndex(expression, indexes, (field) => fieldPath('json', field).indexable);
  return seek && { ...seek, name: indexSql(seek.index).name };
}


/** The array key: an array may hold a candidate. */
export const ARRAY_KEY = "x'01'";

/** The sort key of each `json_each` row's value, as `sortKeySql` computes it for a field. */
const ELEMENT_KEY = "CASE type WHEN 'true' THEN x'03' WHEN 'false' THEN x'02' WHEN 'integer' THEN CAST(value AS REAL) ELSE value END";

/** The key of a single candidate, as SQL (a boolean's key inline, a string or number bound through `param`). */
const candidateKey = (value: KeyCandidate, param: (value: string | number) => string): string =>
  typeof value === 'boolean' ? (value ? "x'03'" : "x'02'") : param(value);

/**
 * The seek term of one field: its sort key is one of the candidates' keys or
 * the array key. A list of several candidates is bound as one JSON parameter
 * (through `param`), so the SQL text does not depend on its length. With
 * `arm`, only the (single) candidate's key, or only the array key.
 */
export function seekTerm(field: string, candidates: readonly KeyCandidate[], param: (value: string | number) => string, arm?: 'value' | 'array'): string {
  const key = sortKeySql(field);
  if (arm === 'array') return `${key} = ${ARRAY_KEY}`;
  if (arm === 'value') return `${key} = ${candidateKey(candidates[0] as KeyCandidate, param)}`;
  if (candidates.length === 1) return `${key} IN (${candidateKey(candidates[0] as KeyCandidate, param)}, ${ARRAY_KEY})`;
  return `${key} IN (SELECT ${ELEMENT_KEY} FROM json_each(${param(JSON.stringify(candidates))}) UNION ALL SELECT ${ARRAY_KEY})`;
}
