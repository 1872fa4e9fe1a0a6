/** Events of a `Query` (`q.on(type, listener)`). */

/** Ids entered the result at `index`. */
export interface QueryInsertEvent {
  readonly type: 'insert';
  readonly index: number;
  readonly ids: readonly string[];
}

/** Ids left the result; they were at `index`. */
export interface QueryRemoveEvent {
  readonly type: 'remove';
  readonly index: number;
  readonly ids: readonly string[];
}

/** Ids moved within the result from `from` to `to`. */
export interface QueryMoveEvent {
  readonly type: 'move';
  readonly from: number;
  readonly to: number;
  readonly ids: readonly string[];
}

/** The result changed in any way (ids, their order, a result document, the count or the status); read it with `get()`. */
export interface QueryChangeEvent {
  readonly type: 'change';
}

/** The server refused or failed the query. */
export interface QueryErrorEvent {
  readonly type: 'error';
  readonly error: Error;
}

/** Any query event. */
export type QueryEvent = QueryInsertEvent | QueryRemoveEvent | QueryMoveEvent | QueryChangeEvent | QueryErrorEvent;

/** The type names of query events. */
export type QueryEventType = QueryEvent['type'];

/** A listener of one query event type. */
export type QueryListener<T extends QueryEventType> = (event: Extract<QueryEvent, { type: T }>) => void;

/** Whether a query's result reflects the server (`complete`) or only the documents this model holds (`local`). */
export type QueryStatus = 'local' | 'complete';
