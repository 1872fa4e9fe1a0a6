/**
 * `subscribe-many` (client to server): `subscribe` for several documents in
 * one message (a reconnecting client re-subscribes everything it holds, a
 * model subscribes a list at once), all in one mode. Each entry is answered
 * as its own `subscribe` would be (its `doc` messages, then `subscribed`, or
 * an `error` with its request id).
 */
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';
import { bytes, defineMessage, list, string, struct, uint, type MessageOf } from './message-schema.ts';

/** Most entries one `subscribe-many` may carry. */
export const SUBSCRIBE_MANY_MAX = 10_000;

/** Definition of the `subscribe-many` message. */
export const subscribeManyMessage = defineMessage(MessageKind.SubscribeMany, 'subscribe-many', {
  mode: uint,
  docs: list(struct('subscription', { request: uint, doc: string(DOC_NAME_MAX), stateVector: bytes }), SUBSCRIBE_MANY_MAX),
});

/** A `subscribe-many` message. */
export type SubscribeManyMessage = MessageOf<typeof subscribeManyMessage>;
