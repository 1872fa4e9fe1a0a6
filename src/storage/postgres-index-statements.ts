/**
 * The `indexes` option of `postgresStorage` as `CREATE INDEX` statements,
 * checked when the storage is made (before anything connects), so a bad
 * collection or field list throws at once.
 */
import { indexSql } from './postgres-sort.ts';

/** A valid collection name. */
const COLLECTION = /^[A-Za-z_$][A-Za-z0-9_$-]{0,127}$/;

/**
 * The index statements of the `indexes` option (each distinct statement
 * once); throws a `TypeError` naming a bad collection name or field list.
 *
 * @example
 * indexStatements('"public".yracer_documents', { todos: [['createdAt']] }); // ['CREATE INDEX IF NOT EXISTS ...']
 */
export function indexStatements(table: string, indexes: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {}): string[] {
  const statements = new Set<string>();
  for (const [collection, lists] of Object.entries(indexes)) {
    if (!COLLECTION.test(collection) || collection === '__proto__') {
      throw new TypeError(`yracer postgresStorage indexes: "${collection.slice(0, 100)}" is not a valid collection name`);
    }
    if (!Array.isArray(lists)) throw new TypeError(`yracer postgresStorage indexes.${collection} must be an array of field lists`);
    for (const fields of lists) {
      if (!Array.isArray(fields) || !fields.every((field) => typeof field === 'string')) {
        throw new TypeError(`yracer postgresStorage indexes.${collection}: each index must be an array of field names`);
      }
      statements.add(indexSql(table, fields).sql);
    }
  }
  return [...statements];
}
