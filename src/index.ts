/**
 * yracer: Racer's model on Yjs. This entry point is browser-safe: the model
 * and the sync client.
 */
export { createModel, type CreateModelOptions } from './client/create-model.ts';
export { SyncError } from './client/sync-error.ts';
export type { BackoffOptions } from './client/backoff.ts';
export type { WebSocketConstructor, WebSocketLike } from './client/web-socket-like.ts';
export type { ConnectionState, ConnectionStatus } from './model/sync-port.ts';
export type { HoldItem } from './model/hold-items.ts';
export type { ModelBundle } from './model/model-bundle.ts';
export { evaluateQuery, matchesQuery, type Query, type QueryResult } from './model/evaluate-query.ts';
export { Model } from './model/model.ts';
export { ModelBase } from './model/model-base.ts';
export type {
  ChangeEvent,
  EventOf,
  InsertEvent,
  ListenableType,
  Listener,
  LoadEvent,
  ModelEvent,
  ModelEventType,
  MoveEvent,
  Passed,
  RemoveEvent,
  UnloadEvent,
} from './model/model-event.ts';
export type { JsonPrimitive, JsonValue } from './model/json-value.ts';
export type { Subpath } from './model/path.ts';
export type { WriteCallback } from './model/write-scope.ts';
