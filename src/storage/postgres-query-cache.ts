/**
 * The compiled queries of one Postgres storage, kept by collection and
 * expression so a query asked again is not compiled again (the least
 * recently used go first once `QUERY_CACHE_SIZE` are kept).
 */
import type { QueryExpression } from '../query/query-expression.ts';
import type { CompiledPostgresQuery, PostgresQueryTables } from './compiled-postgres-query.ts';
import { compilePostgresQuery } from './postgres-query.ts';

/** How many compiled queries are kept (least recently used go first). */
const QUERY_CACHE_SIZE = 100;

/**
 * Compiles queries over the given tables, each at most once while it stays
 * among the most recently used.
 *
 * @example
 * const cache = new PostgresQueryCache(tables, { todos: [['createdAt']] });
 * const { sql, params } = cache.compiled('todos', { done: false });
 */
export class PostgresQueryCache {
  readonly #compiled = new Map<string, CompiledPostgresQuery>();
  readonly #tables: PostgresQueryTables;
  readonly #indexes: Readonly<Record<string, ReadonlyArray<readonly string[]>>>;

  constructor(tables: PostgresQueryTables, indexes: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {}) {
    this.#tables = tables;
    this.#indexes = indexes;
  }

  /** The compiled query of `expression` over `collection` (throws as `compilePostgresQuery` does on a bad query). */
  compiled(collection: string, expression: QueryExpression): CompiledPostgresQuery {
    let text: string;
    try {
      text = `${collection}\u0000${JSON.stringify(expression)}`;
    } catch {
      return this.#compile(collection, expression); // not JSON: let it explain why
    }
    let compiled = this.#compiled.get(text);
    if (compiled) {
      this.#compiled.delete(text);
    } else {
      compiled = this.#compile(collection, expression);
      if (this.#compiled.size >= QUERY_CACHE_SIZE) this.#compiled.delete(this.#compiled.keys().next().value as string);
    }
    this.#compiled.set(text, compiled);
    return compiled;
  }

  #compile(collection: string, expression: QueryExpression): CompiledPostgresQuery {
    // The indexes a query's equalities may seek (own keys only: a collection may be named `__proto__`).
    const indexes = (Object.hasOwn(this.#indexes, collection) && this.#indexes[collection]) || [];
    return compilePostgresQuery(collection, expression, this.#tables, indexes);
  }
}
