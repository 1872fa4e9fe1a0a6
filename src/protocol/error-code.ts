/**
 * Error codes of `error` messages and WebSocket close codes (docs/protocol.md).
 * Close codes 4400-4499 mirror HTTP status codes.
 */

/** Codes carried by `error` messages. */
export const ErrorCode = {
  /** The document name is not `collection/docId` made of allowed characters. */
  BadDocName: 'bad-doc-name',
  /** The update could not be decoded or applied; nothing of it was stored. */
  BadUpdate: 'bad-update',
  /** A y-protocols payload could not be read. */
  BadPayload: 'bad-payload',
  /** The message kind is unknown to this server. */
  UnknownMessage: 'unknown-message',
  /** The connection holds as many subscriptions as the server allows. */
  TooManySubscriptions: 'too-many-subscriptions',
  /** The message needs a subscription to the document first. */
  NotSubscribed: 'not-subscribed',
  /** Storage failed; the update is not stored. */
  StorageFailed: 'storage-failed',
  /** The server dropped its copy of the document (an update damaged it): subscribe again. */
  RoomReset: 'room-reset',
  /** The query expression is not valid JSON or not a valid query (the message names the problem). */
  BadQuery: 'bad-query',
  /** The connection runs as many queries as the server allows. */
  TooManyQueries: 'too-many-queries',
  /** Running the query in storage failed. */
  QueryFailed: 'query-failed',
  /** Not allowed by the server's rules (the message names the rule). */
  Forbidden: 'forbidden',
  /** The write would make the document fail its collection's schema (the message names the field). */
  InvalidDocument: 'invalid-document',
  /** Presence entries about an awareness client id another connection owns in the document were dropped (the message names the ids). */
  NotYours: 'not-yours',
  /**
   * Over a server limit, nothing of it kept: an update larger than the
   * server's `maxFrameBytes` (with `seq`; a client refuses it itself when it
   * knows the limit), or a presence state over a presence limit (the
   * message names the limit).
   */
  TooLarge: 'too-large',
  /** The server keeps no document history (its `history` option is off, or its storage keeps none). */
  HistoryOff: 'history-off',
  /** The document has no checkpoint of that number (the message names the ones it has). */
  BadCheckpoint: 'bad-checkpoint',
} as const;

/** An error code. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes used by the server. */
export const CloseCode = {
  /** The server is shutting down (standard "going away"). */
  GoingAway: 1001,
  /** A frame that is not a valid message. */
  BadFrame: 4400,
  /** Authentication failed; the client must not reconnect with the same credentials. */
  Unauthorized: 4401,
  /** A frame over the size limit. */
  FrameTooLarge: 4413,
  /** The client reads too slowly: too much is waiting to be sent to it. */
  SlowClient: 4408,
  /** Too many messages (before authentication completed, or too fast). */
  TooManyMessages: 4429,
  /** The session may not read the document (a stock y-websocket connection). */
  Forbidden: 4403,
  /** Unknown endpoint path. */
  NotFound: 4404,
} as const;

/** A close code. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
