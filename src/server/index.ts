/**
 * yracer/server (Node only): the WebSocket sync server and the storage
 * adapters.
 */
export { createServer } from './create-server.ts';
export { SyncServer } from './sync-server.ts';
export type { InProcessModelOptions } from './in-process-model-options.ts';
export type { Listening, ListenOptions } from './listen-options.ts';
export type { AdminHandler } from './admin-handler.ts';
export type { HttpHandler, HttpHandlerOptions } from './http-handler.ts';
export { HttpError, HttpErrorCode, type HttpErrorCodeName } from './http-errors.ts';
export { applyMergePatch } from './json-merge-patch.ts';
export type { ChangeEvent, ChangeListener } from './change-hooks.ts';
export type { ChangeFeedOptions } from './change-feed.ts';
export type { ChangeStream, FeedChange } from './change-stream.ts';
export type { ChangesOptions } from './server-changes.ts';
export type { ChangeLog, ChangePruning, ChangeRecord, StoredChange } from '../storage/change-log.ts';
export type { ServerOptions } from './server-options.ts';
export type { ServerLog } from './server-log.ts';
export type { Session } from './session.ts';
export type { CollectionRules, RuleResult, Rules, WriteRefusal } from './access-rules.ts';
export { AccessRefusedError } from './access-refused-error.ts';
export { HistoryError, type HistoryErrorCode } from './history-error.ts';
export { defaultHistoryUser, type HistoryOptions } from './history-options.ts';
export type { CheckpointInfo, HistoryStorage, NewCheckpoint } from '../storage/history-storage.ts';
export type { SchemaMap, StandardSchemaV1 } from '../schema/standard-schema.ts';
export { versionedSchema, type Migration, type MigrationValue, type VersionedSchema, type VersionOptions } from '../schema/versioned-schema.ts';
export { VersionConflictError, type AppendOptions, type ListedDocument, type Storage, type StoredDocument, type StoredUpdates } from '../storage/storage.ts';
export type { StorageKey } from '../storage/storage-key.ts';
export { exportDocuments, type ExportedDocument, type ExportOptions } from './export-documents.ts';
export { ImportLineError, importDocuments, type ImportSummary } from './import-documents.ts';
export { migrateDocuments, type MigrateDocumentsOptions } from './migrate-documents.ts';
export { defineConfig, type ServerConfig } from './cli-config.ts';
export { memoryStorage } from '../storage/memory-storage.ts';
export { sqliteStorage, type SqliteStorageOptions } from '../storage/sqlite-storage.ts';
export { postgresStorage, type PostgresStorageOptions } from '../storage/postgres-storage.ts';
export type { Fanout, FanoutLog } from '../fanout/fanout.ts';
export { redisFanout, type RedisFanout, type RedisFanoutOptions } from '../fanout/redis-fanout.ts';
export { memoryFanoutHub, type MemoryFanout, type MemoryFanoutHub, type MemoryFanoutOptions } from '../fanout/memory-fanout.ts';
export { CloseCode, ErrorCode } from '../protocol/error-code.ts';
export {
  UnauthorizedError,
  type ModelMiddleware,
  type ModelMiddlewareOptions,
  type ModelRequest,
  type NextFunction,
} from './model-middleware.ts';
