/**
 * Errors raised by the model for bad input. Every message names the method,
 * the path and the reason, so a caller can tell what to fix.
 */

/** The kind of error to raise: a plain `Error`, a `TypeError` or a `RangeError`. */
export type ErrorKind = 'error' | 'type' | 'range';

/**
 * Builds an error for a model method called with bad input.
 *
 * @example
 * throw modelError('type', 'push', 'todos.a.title', 'todos.a.title is a string, not an array')
 * // TypeError: yracer push('todos.a.title'): todos.a.title is a string, not an array
 */
export function modelError(kind: ErrorKind, method: string, path: string, reason: string): Error {
  const message = `yracer ${method}('${path}'): ${reason}`;
  const error = kind === 'type' ? new TypeError(message) : kind === 'range' ? new RangeError(message) : new Error(message);
  Object.defineProperty(error, 'path', { value: path, enumerable: true });
  return error;
}
