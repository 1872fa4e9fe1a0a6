/**
 * `HttpError`: a refusal of the HTTP API (`server.httpHandler()`), answered
 * as `{ "error": { "code", "message" } }` with its status. Codes are the wire
 * protocol's where it has one (`forbidden`, `invalid-document`, `too-large`,
 * `bad-doc-name`, `bad-query`, `storage-failed`, `query-failed`) and
 * HTTP-only ones otherwise (docs/http.md lists them all).
 */
import { ErrorCode } from '../protocol/error-code.ts';
import { VersionConflictError } from '../storage/storage.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import { BadUpdateError } from './bad-update-error.ts';

/** Error codes of the HTTP API that the wire protocol has no code for. */
export const HttpErrorCode = {
  /** The body is not JSON. */
  BadJson: 'bad-json',
  /** The JSON is not what the route takes (a document that is not an object, a patch that is not an object, ...). */
  BadRequest: 'bad-request',
  /** `authenticate` refused the request. */
  Unauthorized: 'unauthorized',
  /** No such document, or no such route. */
  NotFound: 'not-found',
  /** The route does not take this method (the `allow` header lists those it takes). */
  MethodNotAllowed: 'method-not-allowed',
  /** The body's content type is not JSON. */
  UnsupportedMediaType: 'unsupported-media-type',
  /** `If-Match` or `If-None-Match` failed: the document changed (or exists, or not); nothing was stored. */
  PreconditionFailed: 'precondition-failed',
  /** Other processes kept storing the document first; nothing was stored: try again. */
  Conflict: 'conflict',
  /** The server is closing. */
  Closing: 'closing',
} as const;

/** An HTTP API error code (the wire protocol's or an HTTP-only one). */
export type HttpErrorCodeName = (typeof HttpErrorCode)[keyof typeof HttpErrorCode] | ErrorCode;

/**
 * A refused HTTP API request: its status, code and message.
 *
 * @example
 * throw new HttpError(404, 'not-found', 'todos/t1 does not exist');
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  /** The HTTP status (4xx for the request's fault, 5xx for the server's). */
  readonly status: number;
  /** The error code (docs/http.md). */
  readonly code: HttpErrorCodeName;
  /** Headers of the response (`allow` for a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: HttpErrorCodeName, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The JSON body of the response. */
  toJSON(): { readonly error: { readonly code: string; readonly message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** The `HttpError` that answers a failure of a read or write (a rule's or the schema's refusal, storage failing, ...). */
export function httpErrorOf(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof AccessRefusedError) {
    return error.code === 'invalid-document' ? new HttpError(422, ErrorCode.InvalidDocument, error.message) : new HttpError(403, ErrorCode.Forbidden, error.message);
  }
  if (error instanceof BadUpdateError) return new HttpError(400, ErrorCode.BadUpdate, error.message);
  if (error instanceof VersionConflictError) {
    return new HttpError(409, HttpErrorCode.Conflict, `other writers kept storing the document first; nothing was stored, try again (${error.message})`);
  }
  return new HttpError(503, ErrorCode.StorageFailed, `storage failed: ${error instanceof Error ? error.message : String(error)}`);
}
