/**
 * The error a write callback, `whenNothingPending()` or a subscription gets
 * when the server refuses something: it carries the server's error code
 * (src/protocol/error-code.ts) and the document.
 */

/** An error reported by the server. */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  /** The server's error code, e.g. `bad-update`. */
  readonly code: string;
  /** The document (`collection/docId`) it is about, or null. */
  readonly doc: string | null;

  constructor(code: string, message: string, doc: string | null) {
    super(`yracer server: ${code}${doc ? ` (${doc})` : ''}: ${message}`);
    this.code = code;
    this.doc = doc;
  }
}
