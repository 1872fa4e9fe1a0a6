/**
 * The error of a read or write the server's rules or schema refused. Sockets
 * carry its code to the client (as a `SyncError`); an in-process model with
 * a session (`server.createModel({ session })`, `req.model`) gets it as is.
 */
import type { WriteRefusal } from './access-rules.ts';

/**
 * Raised when a rule refuses a read or a write (`forbidden`), or the schema
 * refuses a write (`invalid-document`). The message names the rule or the
 * failing field.
 *
 * @example
 * try {
 *   await req.model.subscribe('todos.secret');
 * } catch (error) {
 *   if (error instanceof AccessRefusedError && error.code === 'forbidden') res.status(403);
 * }
 */
export class AccessRefusedError extends Error {
  override readonly name = 'AccessRefusedError';
  /** `forbidden` (a rule) or `invalid-document` (the schema). */
  readonly code: WriteRefusal['code'];

  constructor(refusal: WriteRefusal) {
    super(refusal.message);
    this.code = refusal.code;
  }
}
