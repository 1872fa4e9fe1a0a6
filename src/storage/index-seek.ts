/**
 * Which declared index a query's top-level equalities can seek, for the
 * SQLite and Postgres query compilers (`sqlite-index-seek.ts`,
 * `postgres-index-seek.ts`): an equality `{ f: v }` (also `{ f: { $eq: v } }`
 * and `{ f: { $in: [...] } }`) with a string, number or boolean `v` on the
 * leading fields of an index. Both stores index each field's sort key, which
 * keeps the JSON type apart, so a seek on the key of `v` (and on the array
 * key, since an array holding `v` matches too) finds exactly the candidates.
 */
import { isOperatorObject, modifiersOf, type QueryExpression } from '../query/query-expression.ts';

/** A value an index seek can look up: its sort key tells it from every other JSON value. */
export type KeyCandidate = string | number | boolean;

/** The index a query seeks, and the equalities on its leading fields. */
export interface IndexSeek {
  /** The index: its fields, as declared. */
  readonly index: readonly string[];
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

/** The top-level fields an index seek can serve (those `indexable` accepts), with their candidates. */
function seekableFields(expression: QueryExpression, indexable: (field: string) => boolean): Map<string, readonly KeyCandidate[]> {
  const fields = new Map<string, readonly KeyCandidate[]>();
  for (const [field, condition] of Object.entries(expression)) {
    if (field.startsWith('$')) continue;
    const candidates = keyCandidates(condition);
    if (candidates && indexable(field)) fields.set(field, candidates);
  }
  return fields;
}

/**
 * The declared index to seek for a query, if one starts with fields the query
 * compares for equality: the one matching the most leading equality fields,
 * then continuing with the most `$sort` keys. `indexable` says which fields
 * an equality may seek by (all by default).
 */
export function chooseIndex(expression: QueryExpression, indexes: ReadonlyArray<readonly string[]>, indexable: (field: string) => boolean = () => true): IndexSeek | null {
  const equal = seekableFields(expression, indexable);
  if (equal.size === 0 || !Array.isArray(indexes)) return null;
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
  return { index: best.fields, fields: seeked.map((field) => [field, equal.get(field) as readonly KeyCandidate[]]) };
}

/**
 * Whether a query seeking `seek` runs as a `UNION ALL` of one `SELECT` per
 * choice of the value or the array key for each seeked field (each walks one
 * part of the index in sort order) instead of one `SELECT` seeking both keys
 * (whose rows, from two places of the index, the database sorts). Only for
 * single values (not `$in`) on at most two fields: four `SELECT`s at most.
 */
export function useArms(seek: IndexSeek): boolean {
  return seek.fields.length <= 2 && seek.fields.every(([, candidates]) => candidates.length === 1);
}
