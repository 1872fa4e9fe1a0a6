/**
 * `ack` (server to client): the tracked update `seq`, and every earlier update
 * of the same document from this connection, is in storage.
 */
import { MessageKind } from './message-kind.ts';
import { defineMessage, uint, type MessageOf } from './message-schema.ts';

/** Definition of the `ack` message. */
export const ackMessage = defineMessage(MessageKind.Ack, 'ack', { seq: uint });

/** An `ack` message. */
export type AckMessage = MessageOf<typeof ackMessage>;
