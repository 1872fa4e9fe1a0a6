/**
 * Document names on the wire: `collection/docId`. The rules match the
 * model's paths (src/model/paths/path.ts; a test checks they agree); collections
 * starting with `_` or `$` are local to a client and never synced.
 */

const COLLECTION = /^[A-Za-z][A-Za-z0-9_$-]{0,127}$/;
const DOC_ID = /^[A-Za-z0-9_\-:~@+=$]{1,256}$/;

/** Longest document name on the wire (collection 128 + `/` + id 256, rounded up). */
export const DOC_NAME_MAX = 400;

/** A parsed document name. */
export interface DocName {
  readonly collection: string;
  readonly id: string;
}

/** Parses `collection/docId`, or returns null when it is not a valid synced document name. */
export function parseDocName(name: string): DocName | null {
  const slash = name.indexOf('/');
  if (slash < 0) return null;
  const collection = name.slice(0, slash);
  const id = name.slice(slash + 1);
  if (!COLLECTION.test(collection) || !DOC_ID.test(id) || id === '__proto__' || collection === '__proto__') return null;
  return { collection, id };
}

/** The wire name of a document. */
export function docName(collection: string, id: string): string {
  return `${collection}/${id}`;
}
