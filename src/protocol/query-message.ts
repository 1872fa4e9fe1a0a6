/**
 * `query` (client to server): run a query over a collection and send its
 * result. Mode 0 subscribes (the server sends a `query-diff` whenever the
 * result changes), mode 1 fetches once. The expression is JSON text (see
 * docs/protocol.md and src/query). Answered by `query-result`, or by `error`
 * with this request id.
 */
import { MessageKind } from './message-kind.ts';
import { defineMessage, string, uint, type MessageOf } from './message-schema.ts';

/** Longest query expression on the wire, in characters. */
export const QUERY_EXPRESSION_MAX = 16_384;

/** Definition of the `query` message. */
export const queryMessage = defineMessage(MessageKind.Query, 'query', {
  request: uint,
  collection: string(128),
  mode: uint,
  expression: string(QUERY_EXPRESSION_MAX),
});

/** A `query` message. */
export type QueryMessage = MessageOf<typeof queryMessage>;
