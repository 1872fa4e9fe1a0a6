/**
 * `query-result` (server to client): the whole result of a `query` request:
 * the ids in order (empty for a `$count` query), the count, and the state of
 * each result document the connection did not subscribe to yet (it is
 * subscribed to them from now on, so their later updates follow).
 */
import { MessageKind } from './message-kind.ts';
import { defineMessage, uint, type MessageOf } from './message-schema.ts';
import { idList, queryDocs } from './query-docs.ts';

/** Definition of the `query-result` message. */
export const queryResultMessage = defineMessage(MessageKind.QueryResult, 'query-result', {
  request: uint,
  count: uint,
  ids: idList,
  docs: queryDocs,
});

/** A `query-result` message. */
export type QueryResultMessage = MessageOf<typeof queryResultMessage>;
