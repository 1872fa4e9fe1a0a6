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
 */
import { isOperatorObject, modifiersOf, type QueryExpression } from '../query/query-expression.ts';
import { fieldPath, indexSql, sortKeySql } from './sqlite-sort.ts';

/** A value an index seek can look up: its sort key tells it from every other JSON value. */
export type KeyCandidate = string | number | boolean;

/** The index a query seeks, and the equalities on its leading fields. */
export interface IndexSeek {
  /** The index's name, for `INDEXED BY`. */
  readonly name: string;
  /** The leading fields of the index the query compares for equality, in index order, with their candidates. */
  readonly fields: ReadonlyArray<readonly [field: string, candidates: readonly KeyCandidate[]]>;
}

const isKeyCandidate = (value: unknown): value is KeyCandidate =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/**
 * The values a top-level condition compares a field with, when an index seek
 * can find them: a string, number or boolean (`v`, `{ $eq: v }`) or a
 * non-empty `$in` list of them, as the only operator. Else null.
 */
export function keyCandidates(condition: unknown): readonly KeyCandidate[] | null {
  let candidates: readonly unknown[];
  if (!isOperatorObject(condition)) {
    candidates = [condition];
  } else {
    const ops = Object.keys(condition);
    if (ops.length !== 1) return null;
    if (ops[0] === '$eq') candidates = [condition['$eq']];
    else if (ops[0] === '$in' && Array.isArray(condition['$in']) && condition['$in'].length > 0) candidates = condition['$in'] as unknown[];
    else return null;
  }
  return candidates.every(isKeyCandidate) ? (candidates as readonly KeyCandidate[]) : null;
}

/** The top-level fields an index seek can serve, with their candidates. */
function seekableFields(expression: QueryExpression): Map<string, readonly KeyCandidate[]> {
  const fields = new Map<string, readonly KeyCandidate[]>();
  for (const [field, condition] of Object.entries(expression)) {
    if (field.startsWith('$')) continue;
    const candidates = keyCandidates(condition);
    if (candidates && fieldPath('json', field).indexable) fields.set(field, candidates);
  }
  return fields;
}

/**
 * The declared index to seek for a query, if one starts with fields the query
 * compares for equality (SQLite's planner, without statistics, does not pick
 * an expression index for them by itself): the one matching the most leading
 * equality fields, then continuing with the most `$sort` keys.
 */
export function chooseIndex(expression: QueryExpression, indexes: ReadonlyArray<readonly string[]>): IndexSeek | null {
  const equal = seekableFields(expression);
  if (equal.size === 0) return null;
  const sort = modifiersOf(expression).sort.map(([field]) => field);
  let best: { fields: readonly string[]; prefix: number; score: number } | null = null;
  for (const fields of indexes) {
    let prefix = 0;
    while (prefix < fields.length && equal.has(fields[prefix] as string)) prefix += 1;
    if (prefix === 0) continue;
    let ordered = 0;
    while (prefix + ordered < fields.length && fields[prefix + ordered] === sort[ordered]) ordered += 1;
    const score = prefix * 100 + ordered;
    if (!best || score > best.score) best = { fields, prefix, score };
  }
  if (!best) return null;
  const seeked = best.fields.slice(0, best.prefix);
  return { name: indexSql(best.fields).name, fields: seeked.map((field) => [field, equal.get(field) as readonly KeyCandidate[]]) };
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

/**
 * Whether a (non-`$count`) query seeking `seek` runs as a `UNION ALL` of one
 * `SELECT` per choice of the value or the array key for each seeked field,
 * which SQLite merges in sort order, instead of one `SELECT` seeking both keys
 * (whose rows, from two places of the index, SQLite sorts, copying each
 * row's JSON and state into the sorter). Only for single values (not `$in`)
 * on at most two fields: four `SELECT`s at most.
 */
export function useArms(seek: IndexSeek): boolean {
  return seek.fields.length <= 2 && seek.fields.every(([, candidates]) => candidates.length === 1);
}
