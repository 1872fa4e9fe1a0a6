/** `subscribed` (server to client): the document of a `subscribe` request has been sent. */
import { MessageKind } from './message-kind.ts';
import { defineMessage, string, uint, type MessageOf } from './message-schema.ts';

/** Definition of the `subscribed` message. */
export const subscribedMessage = defineMessage(MessageKind.Subscribed, 'subscribed', {
  request: uint,
  doc: string(300),
});

/** A `subscribed` message. */
export type SubscribedMessage = MessageOf<typeof subscribedMessage>;
