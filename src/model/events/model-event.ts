/**
 * The events a model emits. Local writes and updates from other peers produce
 * the same events (only `remote` differs), because both are derived from the
 * Yjs transaction.
 */
import type { WriteErrorEvent } from '../mutations/write-errors.ts';
import type { Conflict } from '../conflicts/conflict.ts';

/** Data given to `model.pass(data)`; it reaches listeners and is never synced. */
export type Passed = Readonly<Record<string, unknown>>;

interface EventBase {
  /** Absolute path the event happened at (the array's path for array events). */
  readonly path: string;
  /** Data passed with `model.pass()`, or `{}`. */
  readonly passed: Passed;
  /** True when the change came from another peer (a Yjs update applied here). */
  readonly remote: boolean;
}

/** A value was set, replaced or deleted (`value` undefined), or a counter or string changed. */
export interface ChangeEvent extends EventBase {
  readonly type: 'change';
  readonly value: unknown;
  readonly previous: unknown;
}

/** Values were inserted into the array at `path`, starting at `index`. */
export interface InsertEvent extends EventBase {
  readonly type: 'insert';
  readonly index: number;
  readonly values: readonly unknown[];
}

/** Values were removed from the array at `path`, starting at `index`. */
export interface RemoveEvent extends EventBase {
  readonly type: 'remove';
  readonly index: number;
  readonly removed: readonly unknown[];
}

/** `howMany` values moved from `from` to `to` (the index they have afterwards). */
export interface MoveEvent extends EventBase {
  readonly type: 'move';
  readonly from: number;
  readonly to: number;
  readonly howMany: number;
}

/** A document was loaded into the model (from a server, a bundle or offline storage). */
export interface LoadEvent extends EventBase {
  readonly type: 'load';
  readonly value: unknown;
  /** The document loaded: `value`, under Racer's name for it. */
  readonly document: unknown;
}

/** A document left the model. */
export interface UnloadEvent extends EventBase {
  readonly type: 'unload';
  readonly previous: unknown;
  /** The document as it was: `previous`, under Racer's name for it. */
  readonly previousDocument: unknown;
}

/** Any model event. */
export type ModelEvent = ChangeEvent | InsertEvent | RemoveEvent | MoveEvent | LoadEvent | UnloadEvent;

/** The type names of model events. */
export type ModelEventType = ModelEvent['type'];

/**
 * What `model.on()` accepts: an event type, `'all'` for every event type, or
 * `'conflict'` for conflicts (a remote write replaced a concurrent local one;
 * `'all'` does not include them).
 */
export type ListenableType = ModelEventType | 'all' | 'conflict' | 'error';

/** The event a listener of the given type receives (a `Conflict` for `'conflict'`). */
export type EventOf<T extends ListenableType> = T extends 'all'
  ? ModelEvent
  : T extends 'conflict'
    ? Conflict
    : T extends 'error'
      ? WriteErrorEvent
      : Extract<ModelEvent, { type: T }>;

/**
 * A listener: gets the event and the segments its pattern's wildcards matched
 * (`*` gives one segment, a trailing `**` gives the rest of the path joined with dots).
 */
export type Listener<T extends ListenableType = 'all'> = (event: EventOf<T>, captures: readonly string[]) => void;

/** Every event type, in a fixed order. */
export const EVENT_TYPES: readonly ModelEventType[] = ['change', 'insert', 'remove', 'move', 'load', 'unload'];
