/**
 * `postgresListing(pool, tables)`: the pages of `postgresStorage`'s
 * `documentsAfter`, walking the documents by their primary key
 * (collection, id; `COLLATE "C"`, so code point order) from a given key on,
 * one statement a page (each document's state and log from one snapshot).
 */
import type { Buffer } from 'node:buffer';
import type { Pool } from 'pg';
import { assertPageLimit } from './sqlite-listing.ts';
import { assertStorableKey } from './postgres-text.ts';
import type { ListedDocument } from './storage.ts';
import type { StorageKey } from './storage-key.ts';

interface ListedRow {
  readonly collection: string;
  readonly id: string;
  readonly state: Buffer | null;
  readonly version: string;
  readonly json: string | null;
  readonly updates: readonly Buffer[];
}

const bytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** Builds the page reader over the tables of one storage. */
export function postgresListing(
  pool: Pool,
  tables: { readonly documents: string; readonly updates: string },
): (after: StorageKey | null, limit: number) => Promise<ListedDocument[]> {
  const select =
    `SELECT d.collection, d.id, d.state, d.version, d.json, ` +
    `ARRAY(SELECT u.data FROM ${tables.updates} AS u WHERE u.collection = d.collection AND u.id = d.id AND u.version > d.state_version ORDER BY u.version) AS updates ` +
    `FROM ${tables.documents} AS d`;
  const first = `${select} ORDER BY d.collection, d.id LIMIT $1`;
  const next = `${select} WHERE (d.collection, d.id) > ($2::text COLLATE "C", $3::text COLLATE "C") ORDER BY d.collection, d.id LIMIT $1`;
  return async (after, limit) => {
    assertPageLimit(limit, 'postgresStorage');
    if (after !== null) assertStorableKey(after);
    const { rows } = await pool.query<ListedRow>(after === null ? first : next, after === null ? [limit] : [limit, after.collection, after.id]);
    return rows.map((row) => ({
      collection: row.collection,
      id: row.id,
      state: row.state && bytes(row.state),
      updates: row.updates.map(bytes),
      version: Number(row.version),
      json: row.json,
    }));
  };
}
