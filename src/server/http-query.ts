/**
 * `queryPage(context, session, collection, body)`: one page of a query for
 * the HTTP API (`POST /query/:collection`). The query is the live queries'
 * language (docs/queries.md); with read rules, only documents the session
 * may read are returned and counted, as for a client's query. Pages follow
 * each other by an opaque cursor (the offset into the result, tied to the
 * query), in the query's `$sort` order (ties broken by id).
 */
import { createHash } from 'node:crypto';
import { modifiersOf, withoutPaging, type QueryExpression } from '../query/query-expression.ts';
import { queryProblem } from '../query/query-problem.ts';
import { parseDocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { StoredQueryResult } from '../storage/storage.ts';
import type { HttpContext } from './http-document.ts';
import { HttpError, HttpErrorCode } from './http-errors.ts';
import { queryReadable } from './query-readable.ts';
import type { Session } from './session.ts';

/** Documents per page when the request names no `pageSize`. */
export const DEFAULT_PAGE_SIZE = 100;
/** Most documents per page. */
export const MAX_PAGE_SIZE = 1000;

/** One page of a query's result. */
export type QueryPage =
  | { readonly docs: ReadonlyArray<{ readonly id: string; readonly value: unknown }>; readonly next: string | null }
  | { readonly count: number };

const isPlain = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === 'object' && value !== null && !Array.isArray(value);

function bad(message: string): HttpError {
  return new HttpError(400, HttpErrorCode.BadRequest, message);
}

/** What ties a cursor to its query. */
function queryTag(collection: string, expression: QueryExpression): string {
  return createHash('sha256').update(`${collection}\u0000${JSON.stringify(expression)}`).digest('base64url').slice(0, 16);
}

function encodeCursor(offset: number, tag: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: tag })).toString('base64url');
}

function decodeCursor(cursor: unknown, tag: string): number {
  if (typeof cursor !== 'string') throw bad('cursor must be the string a previous page returned as next');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('cursor is not one a previous page returned');
  }
  if (!isPlain(parsed) || !Number.isSafeInteger(parsed['o']) || (parsed['o'] as number) < 0) throw bad('cursor is not one a previous page returned');
  if (parsed['q'] !== tag) throw bad('cursor belongs to another query: send the same query with it');
  return parsed['o'] as number;
}

/** The request's query, page size and offset, or a 400 naming what is wrong. */
function parseRequest(collection: string, body: unknown): { expression: QueryExpression; pageSize: number; offset: number; tag: string } {
  if (!isPlain(body)) throw bad('the body must be an object: { "query": {...}, "pageSize"?: n, "cursor"?: "..." }');
  for (const key of Object.keys(body)) if (key !== 'query' && key !== 'pageSize' && key !== 'cursor') throw bad(`unknown field "${key}" (query, pageSize and cursor are known)`);
  const expression = body['query'] ?? {};
  const problem = queryProblem(expression);
  if (problem) throw new HttpError(400, ErrorCode.BadQuery, `query: ${problem}`);
  const pageSize = body['pageSize'] ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || (pageSize as number) < 1 || (pageSize as number) > MAX_PAGE_SIZE) {
    throw bad(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(pageSize)}`);
  }
  const tag = queryTag(collection, expression as QueryExpression);
  const offset = body['cursor'] === undefined ? 0 : decodeCursor(body['cursor'], tag);
  return { expression: expression as QueryExpression, pageSize: pageSize as number, offset, tag };
}

/**
 * Runs one page of the query in `body` for the session. Rejects with an
 * `HttpError`: 400 `bad-doc-name` (the collection), `bad-query` or
 * `bad-request` (the body), 500 `query-failed` (storage or a read rule
 * failed). A `$count` query answers `{ count }`; any other answers up to
 * `pageSize` documents and the cursor of the next page (null at the end).
 * The query's own `$skip` and `$limit` bound the whole result. Each page
 * runs the query again: a document changed meanwhile may move between
 * pages (be skipped or seen twice).
 */
export async function queryPage(context: HttpContext, session: Session, collection: string, body: unknown): Promise<QueryPage> {
  if (!parseDocName(`${collection}/x`)) throw new HttpError(400, ErrorCode.BadDocName, `"${collection}" is not a collection name`);
  const { expression, pageSize, offset, tag } = parseRequest(collection, body);
  const { access, registry, storage } = context;
  // As live queries do: the JSON of the collection's loaded documents is saved first.
  await Promise.all([context.ready, ...registry.roomsOf(collection).map((room) => room.saveJson())]);
  const run = (query: QueryExpression): Promise<StoredQueryResult> =>
    (access.checksReads
      ? queryReadable(storage, collection, query, async (id, value) => (await access.canRead(session, collection, id, value)) === null)
      : storage.query(collection, query)
    ).catch((error: unknown) => {
      throw new HttpError(500, ErrorCode.QueryFailed, `running the query failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  const { skip, limit, count } = modifiersOf(expression);
  const base = withoutPaging(expression);
  if (count) return { count: (await run(expression)).count };
  const remaining = limit === undefined ? Infinity : Math.max(0, limit - offset);
  const take = Math.min(pageSize, remaining);
  if (take === 0) return { docs: [], next: null };
  // One more than the page: whether there is a next page.
  const result = await run({ ...base, $skip: skip + offset, $limit: take + 1 });
  const docs = result.ids.slice(0, take).map((id, i) => ({ id, value: JSON.parse(result.json[i] ?? 'null') as unknown }));
  const more = result.ids.length > take && take < remaining;
  return { docs, next: more ? encodeCursor(offset + take, tag) : null };
}
