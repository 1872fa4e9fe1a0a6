/**
 * `queryReadable(storage, collection, expression, canRead)`: a query's
 * result as one session may see it, when there are read rules. A document
 * the session may not read is neither returned nor counted, so `$skip`,
 * `$limit` and `$count` apply to the readable documents only.
 *
 * The query runs in storage page by page (the expression's conditions and
 * `$sort`, with a `$skip` and `$limit` of its own; the order breaks ties by
 * id, so pages follow each other without gaps or repeats while nothing
 * changes). Each page's documents go through the read rule, and the walk
 * stops once `$skip + $limit` readable documents are found (or storage has
 * no more). Pages start at `MIN_PAGE` rows, or the number needed, and double
 * up to `MAX_PAGE`: a walk reads O(log n) pages, and holds one page's values
 * plus the result at a time. A `$count` keeps no ids at all.
 *
 * A document that changes while the walk runs may be read twice or missed;
 * the change reaches the live queries in the next batch, which runs the
 * query again (see `LiveQuery.affectedBy`). Within one walk, a document is
 * never returned twice.
 */
import { modifiersOf, withoutPaging, type QueryExpression } from '../query/query-expression.ts';
import type { Storage, StoredQueryResult } from '../storage/storage.ts';
import { nextTurn } from './io-turns.ts';

/** Whether the session may read document `id` with this (stored) value. */
export type ReadFilter = (id: string, value: unknown) => Promise<boolean> | boolean;

/** Rows of the first page read from storage (more when `$skip + $limit` is larger). */
export const MIN_PAGE = 16;
/** Most rows of one page read from storage (pages double up to it). */
export const MAX_PAGE = 1024;

/**
 * The result of `expression` (a valid query) over `collection`, keeping
 * only documents `canRead` allows, then skipping, limiting and counting.
 * Rejects when storage fails or the read filter throws.
 *
 * @example
 * const mine = await queryReadable(storage, 'todos', { $sort: { title: 1 }, $limit: 10 }, (_id, doc) => isMine(doc));
 * mine.ids; // at most 10 readable ids, in order
 */
export async function queryReadable(storage: Storage, collection: string, expression: QueryExpression, canRead: ReadFilter): Promise<StoredQueryResult> {
  const { skip, limit, count } = modifiersOf(expression);
  const wanted = limit === undefined ? Infinity : skip + limit;
  const ids: string[] = [];
  const json: string[] = [];
  const kept = new Set<string>();
  let readable = 0;
  if (wanted > 0) {
    const base = withoutPaging(expression);
    let offset = 0;
    let size = Math.min(MAX_PAGE, Math.max(MIN_PAGE, wanted));
    for (;;) {
      const page = await storage.query(collection, { ...base, $skip: offset, $limit: size });
      const verdicts = await Promise.all(page.ids.map((id, i) => canRead(id, JSON.parse(page.json[i] ?? 'null') as unknown)));
      for (let i = 0; i < page.ids.length && readable < wanted; i++) {
        const id = page.ids[i] as string;
        if (verdicts[i] !== true || kept.has(id)) continue;
        if (readable >= skip && !count) {
          ids.push(id);
          json.push(page.json[i] as string);
          kept.add(id);
        }
        readable += 1;
      }
      if (readable >= wanted || page.ids.length < size) break;
      offset += page.ids.length;
      size = Math.min(MAX_PAGE, size * 2);
      // Other work (socket reads, acknowledgements) runs between pages of a long walk.
      await nextTurn();
    }
  }
  if (count) return { ids: [], count: Math.max(0, readable - skip), json: [] };
  return { ids, count: ids.length, json };
}
