/** `unsubscribe` (client to server): stop sending updates of a document. */
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';
import { defineMessage, string, type MessageOf } from './message-schema.ts';

/** Definition of the `unsubscribe` message. */
export const unsubscribeMessage = defineMessage(MessageKind.Unsubscribe, 'unsubscribe', {
  doc: string(DOC_NAME_MAX),
});

/** An `unsubscribe` message. */
export type UnsubscribeMessage = MessageOf<typeof unsubscribeMessage>;
