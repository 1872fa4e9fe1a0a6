/**
 * `history` (client to server): ask for a document's history
 * (docs/history.md). `checkpoint` 0 lists its checkpoints; a checkpoint
 * number asks for the document's value at it. Answered by
 * `history-result` with this request id, or by `error` (`history-off`,
 * `bad-checkpoint`, `bad-doc-name`, `forbidden` when the read rule refuses
 * the document).
 */
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';
import { defineMessage, string, uint, type MessageOf } from './message-schema.ts';

/** Definition of the `history` message. */
export const historyMessage = defineMessage(MessageKind.History, 'history', {
  request: uint,
  doc: string(DOC_NAME_MAX),
  checkpoint: uint,
});

/** A `history` message. */
export type HistoryMessage = MessageOf<typeof historyMessage>;
