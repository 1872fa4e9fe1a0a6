/**
 * Entity tags and conditional requests of the HTTP API: a document's ETag
 * is a hash of its JSON value (keys sorted, so equal values have equal tags
 * in every process), `If-Match` makes a write happen only while the
 * document still has that value (no lost update), `If-None-Match: *` makes
 * a `PUT` create only, and a `GET` with the current tag in `If-None-Match`
 * answers 304.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError, HttpErrorCode } from './http-errors.ts';

/** The `If-Match` and `If-None-Match` of a request: `*` or a list of tags (absent: none). */
export interface Preconditions {
  readonly ifMatch?: '*' | readonly string[];
  readonly ifNoneMatch?: '*' | readonly string[];
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, child]) => child !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The strong ETag of a document's value (quoted, as the header carries it).
 *
 * @example
 * etagOf({ b: 1, a: 2 }) === etagOf({ a: 2, b: 1 }); // true
 */
export function etagOf(value: unknown): string {
  return `"${createHash('sha256').update(canonical(value)).digest('base64url').slice(0, 27)}"`;
}

function parseList(header: string | undefined): '*' | string[] | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  return header.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

/** The request's preconditions. */
export function preconditionsOf(headers: IncomingHttpHeaders): Preconditions {
  const ifMatch = parseList(headers['if-match']);
  const ifNoneMatch = parseList(headers['if-none-match']);
  return { ...(ifMatch ? { ifMatch } : {}), ...(ifNoneMatch ? { ifNoneMatch } : {}) };
}

const weakly = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

/** True when `If-None-Match` names the value's tag (weak comparison) or is `*` and the document exists. */
export function noneMatchFails(preconditions: Preconditions, value: unknown): boolean {
  const { ifNoneMatch } = preconditions;
  if (ifNoneMatch === undefined || value === undefined) return false;
  if (ifNoneMatch === '*') return true;
  const tag = etagOf(value);
  return ifNoneMatch.some((candidate) => weakly(candidate) === tag);
}

/**
 * Throws 412 `precondition-failed` unless a write may go ahead on the
 * document's current value (undefined: missing): `If-Match` must name its
 * tag (strong comparison) or be `*` with the document existing, and
 * `If-None-Match` must not name it (or be `*` with the document existing).
 */
export function checkPreconditions(preconditions: Preconditions, value: unknown, name: string): void {
  const { ifMatch } = preconditions;
  if (ifMatch !== undefined) {
    const matches = value !== undefined && (ifMatch === '*' || ifMatch.includes(etagOf(value)));
    if (!matches) {
      const why = value === undefined ? 'it does not exist' : 'it changed since (its ETag is another)';
      throw new HttpError(412, HttpErrorCode.PreconditionFailed, `If-Match failed for ${name}: ${why}; nothing was stored`);
    }
  }
  if (noneMatchFails(preconditions, value)) {
    throw new HttpError(412, HttpErrorCode.PreconditionFailed, `If-None-Match failed for ${name}: it exists${preconditions.ifNoneMatch === '*' ? '' : ' with that ETag'}; nothing was stored`);
  }
}
