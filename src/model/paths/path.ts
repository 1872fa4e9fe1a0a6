/**
 * Paths name a place in the model: `collection.docId.field.sub...`.
 * Numeric segments index arrays. This file parses, joins and checks them.
 */

/** A subpath argument: a dotted string, or a number for an array index. */
export type Subpath = string | number;

const INDEX = /^(?:0|[1-9]\d*)$/;
const COLLECTION = /^[A-Za-z_$][A-Za-z0-9_$-]{0,127}$/;
const DOC_ID = /^[A-Za-z0-9_\-:~@+=$]{1,256}$/;

/** Splits a dotted path into segments; the empty path has no segments. */
export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

/** Joins a base path and a subpath with a dot, skipping empty parts. */
export function joinPath(base: string, subpath?: Subpath | null): string {
  if (subpath === undefined || subpath === null || subpath === '') return base;
  const sub = String(subpath);
  return base === '' ? sub : `${base}.${sub}`;
}

/** True when the segment is a canonical array index (`0`, `1`, `42`, not `01` or `-1`). */
export function isIndexSegment(segment: string): boolean {
  return INDEX.test(segment);
}

/** True for collections kept in memory only: `_page`, `$connection`. */
export function isLocalCollection(collection: string): boolean {
  return collection.startsWith('_') || collection.startsWith('$');
}

/** True when the string is a valid collection name. */
export function isValidCollection(name: string): boolean {
  return COLLECTION.test(name) && name !== '__proto__';
}

/** True when the string is a valid document id. */
export function isValidDocId(id: string): boolean {
  return DOC_ID.test(id) && id !== '__proto__';
}

/** Why a path is not acceptable, or null when it is fine. */
export function pathProblem(segments: readonly string[]): string | null {
  for (let i = 0; i < segments.length; i++) {
    if (segments[i] === '') return 'it has an empty segment';
  }
  const [collection, id] = segments;
  if (collection !== undefined && !isValidCollection(collection)) {
    return `"${collection}" is not a valid collection name (letters, digits, _ $ -; not starting with a digit; not __proto__)`;
  }
  if (id !== undefined && !isValidDocId(id)) {
    return `"${id}" is not a valid document id (1-256 of letters, digits and _ - : ~ @ + = $; not __proto__)`;
  }
  return null;
}
