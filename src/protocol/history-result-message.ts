/**
 * `history-result` (server to client): the answer to a `history` request,
 * as JSON text: `{ "checkpoints": [{ checkpoint, version, time, users }, ...] }`
 * (newest first) for a listing, `{ "value": ... }` for a checkpoint's value
 * (no `value` when the document did not exist then).
 */
import { MessageKind } from './message-kind.ts';
import { defineMessage, string, uint, type MessageOf } from './message-schema.ts';

/** Longest answer on the wire, in characters (a snapshot is as large as its document). */
export const HISTORY_RESULT_MAX = 64 * 1024 * 1024;

/** Definition of the `history-result` message. */
export const historyResultMessage = defineMessage(MessageKind.HistoryResult, 'history-result', {
  request: uint,
  json: string(HISTORY_RESULT_MAX),
});

/** A `history-result` message. */
export type HistoryResultMessage = MessageOf<typeof historyResultMessage>;
