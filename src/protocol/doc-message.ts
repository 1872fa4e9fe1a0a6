/**
 * `doc` (both directions): a y-protocols message (sync step 1, sync step 2,
 * update, or awareness) for one document. A client update with `seq > 0` is
 * acknowledged with `ack` once storage has it; `seq` 0 means untracked.
 */
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';
import { bytes, defineMessage, string, uint, type MessageOf } from './message-schema.ts';

/** Definition of the `doc` message. */
export const docMessage = defineMessage(MessageKind.Doc, 'doc', {
  doc: string(DOC_NAME_MAX),
  seq: uint,
  payload: bytes,
});

/** A `doc` message. */
export type DocMessage = MessageOf<typeof docMessage>;
