/**
 * Decoding a frame of the multiplexed protocol into a typed message. A frame
 * is one WebSocket binary message: a kind, then the message's fields, and
 * nothing after them.
 */
import * as decoding from 'lib0/decoding';
import { ackMessage, type AckMessage } from './ack-message.ts';
import { docMessage, type DocMessage } from './doc-message.ts';
import { errorMessage, type ErrorMessage } from './error-message.ts';
import { historyMessage, type HistoryMessage } from './history-message.ts';
import { historyResultMessage, type HistoryResultMessage } from './history-result-message.ts';
import { limitsMessage, type LimitsMessage } from './limits-message.ts';
import { ProtocolError } from './message-schema.ts';
import { pingMessage, type PingMessage } from './ping-message.ts';
import { pongMessage, type PongMessage } from './pong-message.ts';
import { queryDiffMessage, type QueryDiffMessage } from './query-diff-message.ts';
import { queryMessage, type QueryMessage } from './query-message.ts';
import { queryResultMessage, type QueryResultMessage } from './query-result-message.ts';
import { subscribeManyMessage, type SubscribeManyMessage } from './subscribe-many-message.ts';
import { subscribeMessage, type SubscribeMessage } from './subscribe-message.ts';
import { subscribedMessage, type SubscribedMessage } from './subscribed-message.ts';
import { unqueryMessage, type UnqueryMessage } from './unquery-message.ts';
import { unsubscribeMessage, type UnsubscribeMessage } from './unsubscribe-message.ts';

/** Any message of the multiplexed protocol. */
export type Message =
  | DocMessage
  | SubscribeMessage
  | SubscribedMessage
  | UnsubscribeMessage
  | AckMessage
  | ErrorMessage
  | PingMessage
  | PongMessage
  | QueryMessage
  | QueryResultMessage
  | QueryDiffMessage
  | UnqueryMessage
  | LimitsMessage
  | SubscribeManyMessage
  | HistoryMessage
  | HistoryResultMessage;

const definitions = [
  docMessage,
  subscribeMessage,
  subscribedMessage,
  unsubscribeMessage,
  ackMessage,
  errorMessage,
  pingMessage,
  pongMessage,
  queryMessage,
  queryResultMessage,
  queryDiffMessage,
  unqueryMessage,
  limitsMessage,
  subscribeManyMessage,
  historyMessage,
  historyResultMessage,
] as const;

/** Thrown for a frame whose kind this version does not know (the frame itself may be fine). */
export class UnknownMessageError extends ProtocolError {
  readonly messageKind: number;

  constructor(kind: number) {
    super(`unknown message kind ${kind}`);
    this.messageKind = kind;
  }
}

/** Decodes one frame; throws `ProtocolError` (or `UnknownMessageError`) for bad input. */
export function decodeFrame(frame: Uint8Array): Message {
  const decoder = decoding.createDecoder(frame);
  let kind: number;
  try {
    kind = decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError('empty or truncated frame');
  }
  const definition = definitions[kind];
  if (definition === undefined) throw new UnknownMessageError(kind);
  const message = definition.decodeFields(decoder) as Message;
  if (decoding.hasContent(decoder)) throw new ProtocolError(`${definition.name}: unexpected bytes after the message`);
  return message;
}
