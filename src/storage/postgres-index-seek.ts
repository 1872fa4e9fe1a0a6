/**
 * Index seeks for the Postgres query compiler (`postgres-query.ts`): a query
 * whose top-level equalities start a declared index (`index-seek.ts`) runs
 * as a `UNION ALL` of one `SELECT` per choice, for each seeked field, of the
 * value's key or the array key, so that each is an index range.
 *
 * An index made by `indexSql` holds, per field, the three columns of its
 * sort key (`sortKeySql`): the type rank (1 number, 2 string, 4 array,
 * 5 false, 6 true, ...), the number and the string. A non-array value equals
 * a string, number or boolean `v` exactly when its rank is `v`'s and (for a
 * number or string) its number or string equals `v`; an array matches when
 * it holds `v`. So each `SELECT` tests the index columns (and, for arrays,
 * the elements) and nothing else for the seeked fields.
 *
 * Within one `SELECT` the seeked fields' columns are constant, so it can
 * order by them too, then by the sort keys: that is the index order, which
 * Postgres walks and stops after `$skip + $limit` rows. The union is then
 * sorted again, over those few rows only.
 */
import type { QueryExpression } from '../query/query-expression.ts';
import type { IndexSeek, KeyCandidate } from './index-seek.ts';
import type { PostgresQueryParam, PostgresQueryTables } from './compiled-postgres-query.ts';
import { cleanQueryString } from './postgres-text.ts';
import { sortKeySql } from './postgres-sort.ts';

/** What building the arms needs of the query compiler. */
export interface ArmCompiler {
  /** Binds a value, returning its typed placeholder (`$3::text`). */
  param(value: PostgresQueryParam, type: string): string;
  /** The conditions of a query below `base`, but those of the `skip` fields. */
  conditions(expression: QueryExpression, base: string, skip: ReadonlySet<string>): string;
  /** The field (below `doc`) is an array holding one of the candidates. */
  holds(field: string, candidates: readonly KeyCandidate[]): string;
}

/** The modifiers of the query the arms serve. */
export interface ArmModifiers {
  readonly sort: ReadonlyArray<readonly [field: string, direction: 1 | -1]>;
  readonly skip: number;
  readonly limit: number | undefined;
  readonly count: boolean;
}

/** The rank of arrays in `rankSql`. */
const ARRAY_RANK = 4;

/** The tests of one seeked field in one arm: the index columns equal the candidate's key, or its rank is the array's and it holds the candidate. */
function keyTerms(compiler: ArmCompiler, field: string, candidate: KeyCandidate, array: boolean): string[] {
  const [rank, number, string] = sortKeySql(field);
  if (array) return [`${rank} = ${ARRAY_RANK}`, compiler.holds(field, [candidate])];
  if (typeof candidate === 'boolean') return [`${rank} = ${candidate ? 6 : 5}`];
  if (typeof candidate === 'number') return [`${rank} = 1`, `${number} = ${compiler.param(candidate, 'float8')}`];
  return [`${rank} = 2`, `${string} = ${compiler.param(cleanQueryString(candidate), 'text')}`];
}

/**
 * The SQL of a query seeking `seek` as arms (see the file comment): rows of
 * `{ id, json }` (`documentsSql` also `state`, `version` and `updates`), or
 * one row `{ count }`.
 */
export function armsSql(
  compiler: ArmCompiler,
  collection: string,
  expression: QueryExpression,
  seek: IndexSeek,
  modifiers: ArmModifiers,
  tables: PostgresQueryTables,
): { readonly sql: string; readonly documentsSql?: string } {
  const { sort, skip, limit, count } = modifiers;
  const seeked = new Set(seek.fields.map(([field]) => field));
  const last = sort.length > 0 ? (sort[sort.length - 1] as readonly [string, 1 | -1])[1] : 1;
  const direction = (value: 1 | -1): string => (value === 1 ? 'ASC' : 'DESC');
  const keys = sort.flatMap(([field, dir], i) => sortKeySql(field).map((key, j) => ({ key, alias: `_k${i}_${j}`, dir: direction(dir) })));
  // The seeked fields' own columns lead the arm's order (each constant in the arm), in the first sort key's direction, as the index has them.
  const leading = seek.fields.flatMap(([field]) => sortKeySql(field).slice(1)).map((key) => `${key} ${direction(sort[0]?.[1] ?? 1)}`);
  const armOrder = [...leading, ...keys.map(({ key, dir }) => `${key} ${dir}`), `id ${direction(last)}`].join(', ');
  const columns = count ? '1' : ['collection', 'id', 'json', 'state', 'version', ...keys.map(({ key, alias }) => `${key} AS ${alias}`)].join(', ');
  const arms: string[] = [];
  for (let arm = 0; arm < 2 ** seek.fields.length; arm++) {
    const where = [`collection = ${compiler.param(collection, 'text')}`, 'doc IS NOT NULL'];
    seek.fields.forEach(([field, candidates], i) => where.push(...keyTerms(compiler, field, candidates[0] as KeyCandidate, ((arm >> i) & 1) === 1)));
    where.push(compiler.conditions(expression, 'doc', seeked));
    const first = limit === undefined || count ? '' : ` ORDER BY ${armOrder} LIMIT ${compiler.param(limit + skip, 'bigint')}`;
    arms.push(`(SELECT ${columns} FROM ${tables.documents} WHERE ${where.join(' AND ')}${first})`);
  }
  let paging = '';
  if (limit !== undefined) paging += ` LIMIT ${compiler.param(limit, 'bigint')}`;
  if (skip > 0) paging += ` OFFSET ${compiler.param(skip, 'bigint')}`;
  const union = `(${arms.join(' UNION ALL ')}) AS d`;
  if (count) return { sql: paging ? `SELECT count(*) AS count FROM (SELECT 1 FROM ${union}${paging}) AS page` : `SELECT count(*) AS count FROM ${union}` };
  const rest = `FROM ${union} ORDER BY ${[...keys.map(({ alias, dir }) => `${alias} ${dir}`), `id ${direction(last)}`].join(', ')}${paging}`;
  const updates = `ARRAY(SELECT u.data FROM ${tables.updates} AS u WHERE u.collection = d.collection AND u.id = d.id ORDER BY u.version) AS updates`;
  return { sql: `SELECT id, json ${rest}`, documentsSql: `SELECT id, json, state, version, ${updates} ${rest}` };
}
