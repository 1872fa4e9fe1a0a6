/**
 * `limits` (server to client): the server's limits that a client must keep
 * to, sent once a connection is authenticated, before anything else. Each
 * is a name and a number; a client ignores names it does not know, and
 * assumes the documented defaults until the message arrives.
 *
 * `maxFrameBytes`: the largest frame the server takes. A client refuses a
 * write whose update would not fit (`too-large`) instead of sending it, and
 * sends pending writes that only together are too large in several frames.
 */
import { MessageKind } from './message-kind.ts';
import { defineMessage, list, string, struct, uint, type MessageOf } from './message-schema.ts';

/** The largest frame a server takes unless it says otherwise (its `maxFrameBytes` option's default). */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Names of the limits a server announces. */
export const LimitName = {
  MaxFrameBytes: 'maxFrameBytes',
} as const;

/** Definition of the `limits` message. */
export const limitsMessage = defineMessage(MessageKind.Limits, 'limits', {
  limits: list(struct('limit', { name: string(64), value: uint }), 64),
});

/** A `limits` message. */
export type LimitsMessage = MessageOf<typeof limitsMessage>;
