/**
 * Where a document records the version of its collection's schema: the
 * field `schemaVersion` of the root map `meta` of its Yjs document, next to
 * `data` (which holds the value). It is not part of the value: neither
 * queries, rules, schemas nor the model see it. Only the server writes it
 * (clients' updates may not touch `meta`: update-check.ts); a document
 * without it counts as version 1.
 */
import type * as Y from 'yjs';

/** The root map of a document's metadata. */
export const META_ROOT = 'meta';

/** The field of `meta` that holds the schema version. */
export const SCHEMA_VERSION_FIELD = 'schemaVersion';

/** The schema version a document records, or 1 when it records none. */
export function recordedSchemaVersion(doc: Y.Doc): number {
  const recorded = doc.share.has(META_ROOT) ? doc.getMap(META_ROOT).get(SCHEMA_VERSION_FIELD) : undefined;
  return typeof recorded === 'number' && Number.isSafeInteger(recorded) && recorded >= 1 ? recorded : 1;
}

/** Records the schema version in the document (in the caller's transaction, when it runs in one). */
export function recordSchemaVersion(doc: Y.Doc, version: number): void {
  doc.getMap(META_ROOT).set(SCHEMA_VERSION_FIELD, version);
}
