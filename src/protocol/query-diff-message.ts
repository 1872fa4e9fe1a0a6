/**
 * `query-diff` (server to client): a subscribed query's result changed. The
 * operations turn the previous ids into the new ones when applied in order
 * (`applyIdOps` in src/query/id-diff.ts): type 0 inserts `ids` at `index`,
 * 1 removes `ids` (which are at `index`), 2 moves `ids` from `index` to `to`.
 * Inserted documents the connection did not subscribe to come with their
 * state, as in `query-result`.
 */
import { MessageKind } from './message-kind.ts';
import { defineMessage, list, uint, struct, type MessageOf } from './message-schema.ts';
import { idList, QUERY_ITEMS_MAX, queryDocs } from './query-docs.ts';

/** One operation of a `query-diff`. */
export const idOp = struct('id operation', { type: uint, index: uint, to: uint, ids: idList });

/** Definition of the `query-diff` message. */
export const queryDiffMessage = defineMessage(MessageKind.QueryDiff, 'query-diff', {
  request: uint,
  count: uint,
  ops: list(idOp, QUERY_ITEMS_MAX),
  docs: queryDocs,
});

/** A `query-diff` message. */
export type QueryDiffMessage = MessageOf<typeof queryDiffMessage>;
