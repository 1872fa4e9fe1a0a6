/**
 * A query's result as one session may see it: when there are read rules, a
 * connection runs the query without `$skip`, `$limit` and `$count`, keeps the
 * documents its session may read, and only then applies the paging and
 * counts. So a query never returns, or counts, a document the session could
 * not subscribe to.
 */
import { modifiersOf, type QueryExpression } from '../query/query-expression.ts';
import type { AccessRules } from './access-rules.ts';
import type { LiveQuery } from './live-query.ts';
import type { Session } from './server-options.ts';

/** Ids in order (empty for a `$count` query) and the count. */
export interface ResultView {
  readonly ids: readonly string[];
  readonly count: number;
}

/**
 * The result of `expression` for `session`, from `base` (the same query run
 * without paging and counting).
 */
export async function readableResult(base: LiveQuery, expression: QueryExpression, session: Session, access: AccessRules): Promise<ResultView> {
  const all = base.ids;
  const denied = await Promise.all(all.map((id) => access.canRead(session, base.collection, id, base.value(id))));
  const readable = all.filter((_id, i) => denied[i] === null);
  const { skip, limit, count } = modifiersOf(expression);
  if (count) return { ids: [], count: readable.length };
  const ids = readable.slice(skip, limit === undefined ? undefined : skip + limit);
  return { ids, count: ids.length };
}
