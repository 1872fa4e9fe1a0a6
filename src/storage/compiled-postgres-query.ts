/**
 * The shapes around `compilePostgresQuery` (postgres-query.ts): the compiled
 * query it returns, its bound parameters and the tables it reads. Their own
 * file so that the compiler and its index-seek part (postgres-index-seek.ts)
 * share them without importing one another.
 */

/** A bound parameter of a compiled query. */
export type PostgresQueryParam = string | number | readonly string[] | readonly number[];

/** A compiled query: SQL text and its positional parameters. */
export interface CompiledPostgresQuery {
  /** The SQL: rows of `{ id, json }`, or one row `{ count }` when `count` is true. */
  readonly sql: string;
  /** For a document query: the same SQL, its rows also giving `state`, `version` and `updates` (the log, in version order). */
  readonly documentsSql?: string;
  /** Values for `$1`, `$2`, ... in order. */
  readonly params: readonly PostgresQueryParam[];
  /** True for a `$count` query. */
  readonly count: boolean;
}

/** The tables a compiled query reads (schema-qualified, quoted as needed). */
export interface PostgresQueryTables {
  readonly documents: string;
  readonly updates: string;
}
