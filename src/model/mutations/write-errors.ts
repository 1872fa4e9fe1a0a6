/**
 * The model's `error` events: a write the server refused (a rule or the
 * schema), reported at the document's path after the document returned to
 * the server's state.
 */
import { ListenerRegistry } from '../events/listener-registry.ts';
import { ListenerErrors } from '../events/listener-errors.ts';
import { splitPath } from '../paths/path.ts';

/** What `model.on('error', ...)` listeners get. */
export interface WriteErrorEvent {
  readonly type: 'error';
  /** The document's path (`todos.a1`). */
  readonly path: string;
  /** The server's error (a `SyncError` with `code` `forbidden` or `invalid-document`). */
  readonly error: Error;
}

/** A listener of `error` events. */
export type WriteErrorListener = (event: WriteErrorEvent, captures: readonly string[]) => void;

/** The `error` listeners of one model store. */
export class WriteErrors {
  readonly #listeners = new ListenerRegistry<WriteErrorListener>();

  /** Registers a listener for document paths matching the pattern segments. */
  on(segments: readonly string[], fn: WriteErrorListener): void {
    this.#listeners.add(segments, fn, {});
  }

  /** Removes a listener; true when it was registered. */
  off(fn: WriteErrorListener): boolean {
    return this.#listeners.remove(fn);
  }

  /** Tells the listeners whose pattern matches `path`. */
  emit(path: string, error: Error): void {
    const event: WriteErrorEvent = { type: 'error', path, error };
    const found = this.#listeners.matches(splitPath(path));
    const errors = new ListenerErrors();
    for (const [registration, captures] of found) if (registration.active) errors.run(() => registration.fn(event, captures));
    errors.rethrow('error listeners');
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
