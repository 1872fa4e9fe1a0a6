/**
 * yracer: Racer's model on Yjs. This entry point is browser-safe: the model
 * and the sync client.
 */
export { createModel, type CreateModelOptions } from './client/create-model.ts';
export { SyncError } from './client/sync-error.ts';
export { loadHistory, loadSnapshot, restoreSnapshot, type HistoryCheckpoint } from './client/history-requests.ts';
export { indexedDbStore, type IndexedDbStoreOptions } from './client/indexeddb-store.ts';
export type { OfflineStore, StoredPending, StoredQuery } from './client/offline-store.ts';
export type { BackoffOptions } from './client/backoff.ts';
export type { WebSocketConstructor, WebSocketLike } from './client/web-socket-like.ts';
export type { ConnectionState, ConnectionStatus } from './model/documents/sync-port.ts';
export type { HoldItem } from './model/documents/hold-items.ts';
export type { ModelBundle } from './model/model-bundle.ts';
export { evaluateQuery } from './query/evaluate-query.ts';
export { matchesQuery } from './query/match-query.ts';
export { queryProblem } from './query/query-problem.ts';
export type { QueryExpression, QueryResult, QuerySort } from './query/query-expression.ts';
export { Model } from './model/model.ts';
export { Query } from './model/queries/query.ts';
export type {
  QueryChangeEvent,
  QueryErrorEvent,
  QueryEvent,
  QueryEventType,
  QueryInsertEvent,
  QueryListener,
  QueryMoveEvent,
  QueryRemoveEvent,
  QueryStatus,
} from './model/queries/query-event.ts';
export { applyIdOps, diffIds, type IdOp } from './query/id-diff.ts';
export { ModelBase } from './model/model-base.ts';
export { ModelSync } from './model/model-sync.ts';
export { ModelPromised } from './model/model-promised.ts';
export { ModelReactive, type FunctionArg } from './model/model-reactive.ts';
export { Filter } from './model/functions/model-filter.ts';
export type { FilterFunction, FilterOptions, SortFunction } from './model/functions/filter-options.ts';
export type { ReactiveFunction, ReactiveGetter, StartCopy, StartMode, StartOptions, TwoWayFunction, TwoWayResult } from './model/functions/reactive-function.ts';
export type { InputPaths } from './model/functions/start-args.ts';
export { ModelRefs, type RefTarget, type Reffable } from './model/model-refs.ts';
export type { RefListOptions, RefOptions } from './model/refs/ref-methods.ts';
export type { BundledRef } from './model/refs/ref-bundle.ts';
export type { Conflict, ConflictChoice, ConflictListener } from './model/conflicts/conflict.ts';
export type { WriteErrorEvent, WriteErrorListener } from './model/mutations/write-errors.ts';
export type { DocumentsOf, SchemaMap, StandardSchemaV1 } from './schema/standard-schema.ts';
export { versionedSchema, type Migration, type MigrationValue, type VersionedSchema, type VersionOptions } from './schema/versioned-schema.ts';
export type { IsRegistered, Register, RegisteredCollection, RegisteredDocs, RegisteredSchema, RegisteredTree } from './schema/register.ts';
export type { CheckPath, CheckPathTo, DocumentTree, ElementOf, Path, ValueAt } from './schema/typed-paths.ts';
export type { FieldCondition, FieldOperators, TypedQueryExpression } from './schema/typed-query.ts';
export type { RegisteredScope, TypedModel, TypedScope } from './model/typed-model.ts';
export { UndoManager, type UndoManagerOptions } from './model/undo/undo-manager.ts';
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
} from './model/events/model-event.ts';
export type { JsonPrimitive, JsonValue } from './model/paths/json-value.ts';
export { MAX_PRESENCE_STATE_LENGTH } from './model/presence/presence-base.ts';
export type { Presence, PresencePeer, PresenceState, PresenceUpdate } from './model/presence/presence.ts';
export type { Subpath } from './model/paths/path.ts';
export type { AddCallback, WriteCallback } from './model/mutations/write-scope.ts';
