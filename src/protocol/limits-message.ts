/**
 * `limits` (server to client): the server's limits that a client must keep
 * to, sent once a connection is authenticated, before anything else. Each
 * is a name and a number; a client ignores names it does not know, and
 * assumes the documented defaults until the message arrives.
 *
 * `maxFrameBytes`: the largest frame the server takes. A client refuses a
 * write whose update would not fit (`too-large`) instead of sending it, and
 * sends pending writes that only together are too large in several frames.
 * `maxMessagesPerSecond` and `messageBurst`: the message rate limit (a
 * client paces what it sends to stay under it; 0 per second: no limit).
 * `maxSubscriptions`: how many documents one connection may hold.
 */
import { MessageKind } from './message-kind.ts';
import { defineMessage, list, string, struct, uint, type MessageOf } from './message-schema.ts';

/** The largest frame a server takes unless it says otherwise (its `maxFrameBytes` option's default). */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Messages a server takes at once, unless it says otherwise (its `messageBurst` option's default). */
export const DEFAULT_MESSAGE_BURST = 2000;

/** Messages a server takes per second, sustained, unless it says otherwise (its `maxMessagesPerSecond` option's default). */
export const DEFAULT_MESSAGES_PER_SECOND = 1000;

/** Names of the limits a server announces. */
export const LimitName = {
  MaxFrameBytes: 'maxFrameBytes',
  /** Messages per second, sustained (0: no limit). */
  MaxMessagesPerSecond: 'maxMessagesPerSecond',
  /** Messages at once, over the sustained rate. */
  MessageBurst: 'messageBurst',
  /** Documents one connection may hold at once (subscribed, or fetched or written lately). */
  MaxSubscriptions: 'maxSubscriptions',
} as const;

/** Definition of the `limits` message. */
export const limitsMessage = defineMessage(MessageKind.Limits, 'limits', {
  limits: list(struct('limit', { name: string(64), value: uint }), 64),
});

/** A `limits` message. */
export type LimitsMessage = MessageOf<typeof limitsMessage>;
