/**
 * `subscribe` (client to server): load a document and send it. Mode 0
 * subscribes (later updates follow), mode 1 fetches once. The client's state
 * vector lets the server send only what the client lacks. Answered by `doc`
 * messages (sync step 2, then sync step 1) and `subscribed`, or by `error`.
 */
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';
import { bytes, defineMessage, string, uint, type MessageOf } from './message-schema.ts';

/** Subscription modes. */
export const SubscribeMode = { Subscribe: 0, Fetch: 1 } as const;

/** Definition of the `subscribe` message. */
export const subscribeMessage = defineMessage(MessageKind.Subscribe, 'subscribe', {
  request: uint,
  doc: string(DOC_NAME_MAX),
  mode: uint,
  stateVector: bytes,
});

/** A `subscribe` message. */
export type SubscribeMessage = MessageOf<typeof subscribeMessage>;
