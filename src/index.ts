/**
 * yracer: Racer's model on Yjs. This entry point is browser-safe: the model
 * and (soon) the sync client.
 */
export { createModel, type CreateModelOptions } from './model/create-model.ts';
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
