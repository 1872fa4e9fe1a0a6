/** `unquery` (client to server): stop a subscribed query (the documents it sent stay subscribed until `unsubscribe`). */
import { MessageKind } from './message-kind.ts';
import { defineMessage, uint, type MessageOf } from './message-schema.ts';

/** Definition of the `unquery` message. */
export const unqueryMessage = defineMessage(MessageKind.Unquery, 'unquery', {
  request: uint,
});

/** An `unquery` message. */
export type UnqueryMessage = MessageOf<typeof unqueryMessage>;
