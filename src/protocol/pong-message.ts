/** `pong` (server to client): the answer to `ping`. */
import { MessageKind } from './message-kind.ts';
import { defineMessage, type MessageOf } from './message-schema.ts';

/** Definition of the `pong` message. */
export const pongMessage = defineMessage(MessageKind.Pong, 'pong', {});

/** A `pong` message. */
export type PongMessage = MessageOf<typeof pongMessage>;
