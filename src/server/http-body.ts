/**
 * `readJsonBody(request, limit)`: the JSON body of an HTTP API request,
 * read up to a size limit. A body an Express/connect body parser already
 * read (`req.body`) is taken as it is.
 */
import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '../protocol/error-code.ts';
import { HttpError, HttpErrorCode } from './http-errors.ts';

/** A request an Express/connect body parser may have read (`req.body`). */
type ParsedRequest = IncomingMessage & { body?: unknown };

/** True when the content type is JSON (`application/json`, `application/*+json`), or absent. */
export function isJsonContentType(request: IncomingMessage): boolean {
  const type = request.headers['content-type'];
  if (type === undefined) return true;
  const essence = (type.split(';')[0] ?? '').trim().toLowerCase();
  return essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, ErrorCode.TooLarge, `the body is larger than the server's limit of ${limit} bytes (its maxFrameBytes); nothing was stored`);
}

/** Reads the raw body; rejects with 413 `too-large` as soon as it passes `limit` bytes. */
function readRaw(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new HttpError(400, HttpErrorCode.BadJson, `reading the body failed: ${error.message}`));
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onAborted = (): void => onError(new Error('the request was aborted'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}

/**
 * The request's body parsed as JSON. Rejects with an `HttpError`: 415
 * `unsupported-media-type` when the content type is not JSON, 413
 * `too-large` past `limit` bytes (nothing more is read), 400 `bad-json` when
 * it is empty or not JSON.
 *
 * @example
 * const value = await readJsonBody(request, 16 * 1024 * 1024);
 */
export async function readJsonBody(request: IncomingMessage, limit: number, what = 'application/json'): Promise<unknown> {
  if (!isJsonContentType(request)) {
    throw new HttpError(415, HttpErrorCode.UnsupportedMediaType, `the body must be JSON (content-type ${what}), got ${String(request.headers['content-type'])}`);
  }
  const parsed = (request as ParsedRequest).body;
  // An Express/connect body parser read the stream already: take what it made of it.
  if (parsed !== undefined && request.readableEnded) {
    if (!Buffer.isBuffer(parsed) && typeof parsed !== 'string') return parsed;
    return parseJson(Buffer.isBuffer(parsed) ? parsed : Buffer.from(parsed), limit);
  }
  return parseJson(await readRaw(request, limit), limit);
}

function parseJson(raw: Buffer, limit: number): unknown {
  if (raw.length > limit) throw tooLarge(limit);
  const text = raw.toString('utf8');
  if (text.trim() === '') throw new HttpError(400, HttpErrorCode.BadJson, 'the body is empty; it must be JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, HttpErrorCode.BadJson, `the body is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}
