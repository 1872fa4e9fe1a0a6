/** The kind number that starts every frame of the multiplexed protocol (docs/protocol.md). */
export const MessageKind = {
  Doc: 0,
  Subscribe: 1,
  Subscribed: 2,
  Unsubscribe: 3,
  Ack: 4,
  Error: 5,
  Ping: 6,
  Pong: 7,
  Query: 8,
  QueryResult: 9,
  QueryDiff: 10,
  Unquery: 11,
  Limits: 12,
  SubscribeMany: 13,
  History: 14,
  HistoryResult: 15,
} as const;

/** A message kind number. */
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];
