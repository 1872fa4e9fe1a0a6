/** `unsubscribe` (client to server): stop sending updates of a document. */
import { MessageKind } from './message-kind.ts';
import { defineMessage, string, type MessageOf } from './message-schema.ts';

/** Definition of the `unsubscribe` message. */
export const unsubscribeMessage = defineMessage(MessageKind.Unsubscribe, 'unsubscribe', {
  doc: string(300),
});

/** An `unsubscribe` message. */
export type UnsubscribeMessage = MessageOf<typeof unsubscribeMessage>;
