/**
 * `exportDocuments(storage)`: every stored document as one line of NDJSON,
 * read a page at a time (`Storage.documentsAfter`), so a store of any size
 * is exported in constant memory. The format (one JSON object a line):
 *
 *   {"collection":"todos","id":"t1","version":7,"json":{"title":"Milk"},"state":"AQL..."}
 *
 * - `state`: the document's whole Yjs state (its compacted state and the
 *   updates after it, merged: `Y.encodeStateAsUpdate`), base64. This is
 *   the document; `importDocuments` reads only this to rebuild it.
 * - `json`: its JSON value as queries see it, rebuilt from `state` (so never
 *   behind it); null for a document that was deleted (or never held a value).
 * - `version`: its version in the exporting store, for the reader's
 *   information (an import numbers versions anew).
 *
 * Documents come in collection then id order (code point order). Each line
 * is consistent in itself; a store written to while it is exported gives
 * each document as of the moment its page was read.
 */
import { Buffer } from 'node:buffer';
import * as Y from 'yjs';
import { documentValue } from '../model/paths/document-value.ts';
import type { JsonValue } from '../model/paths/json-value.ts';
import type { ListedDocument, Storage } from '../storage/storage.ts';

/** One line of an export, parsed. */
export interface ExportedDocument {
  readonly collection: string;
  readonly id: string;
  /** The document's version in the store it was exported from. */
  readonly version: number;
  /** Its JSON value (null when it does not exist). */
  readonly json: JsonValue | null;
  /** Its whole Yjs state, base64. */
  readonly state: string;
}

/** Options of `exportDocuments`. */
export interface ExportOptions {
  /** How many documents are read from storage at once. Default 500. */
  readonly pageSize?: number;
}

/** The export line of one listed document. */
function exportedLine(listed: ListedDocument): string {
  const doc = new Y.Doc({ gc: true });
  try {
    for (const part of listed.state ? [listed.state, ...listed.updates] : listed.updates) Y.applyUpdate(doc, part);
    const value = documentValue(doc) as JsonValue | undefined;
    const exported: ExportedDocument = {
      collection: listed.collection,
      id: listed.id,
      version: listed.version,
      json: value ?? null,
      state: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64'),
    };
    return JSON.stringify(exported);
  } finally {
    doc.destroy();
  }
}

/**
 * Yields one NDJSON line (without its newline) per stored document that
 * holds a Yjs state (version above 0), reading `pageSize` documents at a
 * time. Rejects when the storage cannot list its documents
 * (`documentsAfter` missing) or a stored state cannot be decoded (naming
 * the document).
 *
 * @example
 * for await (const line of exportDocuments(sqliteStorage('./data/yracer.db'))) out.write(`${line}\n`);
 */
export async function* exportDocuments(storage: Storage, options: ExportOptions = {}): AsyncGenerator<string, void, undefined> {
  const pageSize = options.pageSize ?? 500;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`yracer exportDocuments: pageSize must be a positive integer, not ${String(pageSize)}`);
  if (!storage.documentsAfter) throw new TypeError('yracer exportDocuments: this storage cannot list its documents (it has no documentsAfter)');
  let after: ListedDocument | null = null;
  for (;;) {
    const page: ListedDocument[] = await storage.documentsAfter(after === null ? null : { collection: after.collection, id: after.id }, pageSize);
    for (const listed of page) {
      if (listed.version === 0 && listed.state === null) continue; // a JSON value without any Yjs state: nothing to restore
      let line: string;
      try {
        line = exportedLine(listed);
      } catch (error) {
        throw new Error(`yracer exportDocuments: the stored state of ${listed.collection}/${listed.id} cannot be read (${error instanceof Error ? error.message : String(error)})`, { cause: error });
      }
      yield line;
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1] ?? null;
  }
}
