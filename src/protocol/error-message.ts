/**
 * `error` (server to client): a request, update or message failed. It names
 * what failed (`seq` of an update, `request` of a subscribe, the document),
 * with a code from error-code.ts and a human-readable message. 0 and '' mean
 * "not about one".
 */
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';
import { defineMessage, string, uint, type MessageOf } from './message-schema.ts';

/** Definition of the `error` message. */
export const errorMessage = defineMessage(MessageKind.Error, 'error', {
  seq: uint,
  request: uint,
  doc: string(DOC_NAME_MAX),
  code: string(64),
  message: string(2048),
});

/** An `error` message. */
export type ErrorMessage = MessageOf<typeof errorMessage>;
