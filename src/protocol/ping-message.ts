/** `ping` (client to server): keeps an idle connection alive; answered by `pong`. */
import { MessageKind } from './message-kind.ts';
import { defineMessage, type MessageOf } from './message-schema.ts';

/** Definition of the `ping` message. */
export const pingMessage = defineMessage(MessageKind.Ping, 'ping', {});

/** A `ping` message. */
export type PingMessage = MessageOf<typeof pingMessage>;
