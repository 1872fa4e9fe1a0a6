/** `subscribed` (server to client): the document of a `subscribe` request has been sent. */
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';
import { defineMessage, string, uint, type MessageOf } from './message-schema.ts';

/** Definition of the `subscribed` message. */
export const subscribedMessage = defineMessage(MessageKind.Subscribed, 'subscribed', {
  request: uint,
  doc: string(DOC_NAME_MAX),
});

/** A `subscribed` message. */
export type SubscribedMessage = MessageOf<typeof subscribedMessage>;
