/**
 * `importDocuments(storage, lines)`: reads an export (`exportDocuments`,
 * one JSON object a line) into a storage, one line at a time, so an export
 * of any size is imported in constant memory.
 *
 * - Into a fresh store, each line's state becomes the document's first
 *   update (version 1) and its JSON value is stored with it.
 * - Onto a document the store already holds, the line's state is merged
 *   into it as a CRDT merge: only what the stored document lacks is
 *   appended (one update), and its JSON value is rebuilt from the merged
 *   state. Nothing is lost on either side, and importing the same export
 *   twice changes nothing the second time (such a line counts as
 *   `unchanged`).
 * - Each line is checked before anything of it is stored: JSON, the fields
 *   (`collection`, `id`, `state`, `json`, `version`), the state (a Yjs
 *   update the server would accept, `updateProblem`) and that `json` is the
 *   state's value. A bad line rejects with `ImportLineError` naming its
 *   number; the lines before it are imported, nothing of it or after it is.
 *   Importing again after fixing the line is safe (merges change nothing).
 *
 * Import into a stopped server (or one that does not hold the documents
 * open): a running server's open rooms do not see what is appended under
 * them until they load the document again.
 */
import { Buffer } from 'node:buffer';
import * as Y from 'yjs';
import { documentValue } from '../model/paths/document-value.ts';
import { parseDocName } from '../protocol/doc-name.ts';
import { VersionConflictError, type Storage } from '../storage/storage.ts';
import type { StorageKey } from '../storage/storage-key.ts';
import { updateProblem } from './update-check.ts';

/** A line of an import that cannot be imported; the lines before it were. */
export class ImportLineError extends Error {
  override readonly name = 'ImportLineError';
  /** The line's number (1 for the first). */
  readonly line: number;

  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.line = line;
  }
}

/** What `importDocuments` did. */
export interface ImportSummary {
  /** Documents the store did not hold (or held without any state). */
  readonly created: number;
  /** Documents the store held, into which a line's state brought something new. */
  readonly merged: number;
  /** Documents the store held that already had everything of their line. */
  readonly unchanged: number;
}

/** A checked line: the document's key, its state, and that state's value. */
interface ImportLine {
  readonly key: StorageKey;
  readonly state: Uint8Array;
  readonly value: unknown;
}

/** How many checked lines are stored at once. */
const IMPORT_BATCH = 64;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Deep equality of JSON values (object keys in any order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}

/** Parses and checks one line (see the file's description); throws a message saying what is wrong. */
function checkedLine(text: string): ImportLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
  const line = parsed as Record<string, unknown>;
  const { collection, id, state, version } = line;
  if (typeof collection !== 'string' || typeof id !== 'string') throw new Error('"collection" and "id" must be strings');
  const key = parseDocName(`${collection}/${id}`);
  if (!key || key.collection !== collection) throw new Error(`"${collection.slice(0, 128)}/${id.slice(0, 256)}" is not a valid document name`);
  if (version !== undefined && (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)) throw new Error('"version" must be a non-negative integer');
  if (typeof state !== 'string' || state.length === 0 || state.length % 4 !== 0 || !BASE64.test(state)) throw new Error('"state" must be a non-empty base64 string');
  if (!Object.hasOwn(line, 'json')) throw new Error('"json" is missing (null for a deleted document)');
  const bytes = new Uint8Array(Buffer.from(state, 'base64'));
  const doc = new Y.Doc({ gc: true });
  try {
    const problem = updateProblem(doc, bytes, { metaRoot: true });
    if (problem) throw new Error(`"state" is not a document's state: ${problem.message}`);
    Y.applyUpdate(doc, bytes);
    const value = documentValue(doc);
    if (!sameJson(value ?? null, line['json'])) throw new Error('"json" is not the value of "state" (the line was changed after the export?)');
    return { key: { collection: key.collection, id: key.id }, state: bytes, value };
  } finally {
    doc.destroy();
  }
}

/** Stores one checked line (see the file's description); resolves to what it did. */
async function storeLine(storage: Storage, line: ImportLine, number: number): Promise<keyof ImportSummary> {
  for (let attempt = 1; ; attempt++) {
    const stored = await storage.load(line.key);
    if (stored.version === 0 && stored.state === null) {
      try {
        const version = await storage.append(line.key, [line.state], { expectVersion: 0 });
        await storage.saveJson(line.key, line.value === undefined ? null : JSON.stringify(line.value), version);
        return 'created';
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= 5) throw error;
        continue; // written meanwhile: merge instead
      }
    }
    const doc = new Y.Doc({ gc: true });
    try {
      for (const part of stored.state ? [stored.state, ...stored.updates] : stored.updates) Y.applyUpdate(doc, part);
      const before = Y.encodeStateAsUpdate(doc);
      const missing = Y.diffUpdate(line.state, Y.encodeStateVector(doc));
      const problem = updateProblem(doc, missing, { metaRoot: true });
      if (problem) throw new ImportLineError(number, `the state cannot be merged into the stored ${line.key.collection}/${line.key.id}: ${problem.message}`);
      Y.applyUpdate(doc, missing);
      if (Buffer.compare(before, Y.encodeStateAsUpdate(doc)) === 0) return 'unchanged';
      const value = documentValue(doc);
      const version = await storage.append(line.key, [missing], { expectVersion: stored.version });
      await storage.saveJson(line.key, value === undefined ? null : JSON.stringify(value), version);
      return 'merged';
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= 5) throw error;
    } finally {
      doc.destroy();
    }
  }
}

/**
 * Imports the lines of an export (strings without their newlines, from an
 * array, a generator or `readline`), one at a time in order; blank lines
 * are skipped (and counted). Lines are checked one by one and stored a few
 * dozen at a time (concurrently: their appends share group commits).
 * Resolves to what it did; rejects with `ImportLineError` at the first bad
 * line (the lines before it are imported, nothing of it or after it), or
 * with the storage's error when storing fails (lines stored together with
 * the failing one may be stored: importing again merges them).
 *
 * @example
 * const lines = readline.createInterface({ input: fs.createReadStream('backup.ndjson'), crlfDelay: Infinity });
 * const { created, merged } = await importDocuments(postgresStorage(url), lines);
 */
export async function importDocuments(storage: Storage, lines: AsyncIterable<string> | Iterable<string>): Promise<ImportSummary> {
  const summary = { created: 0, merged: 0, unchanged: 0 };
  // Checked lines wait here and are stored together (their appends share the storage's group commits).
  let batch: Array<{ readonly line: ImportLine; readonly number: number }> = [];
  const storeBatch = async (): Promise<void> => {
    const stored = batch;
    batch = [];
    const results = await Promise.all(stored.map(({ line, number }) => storeLine(storage, line, number)));
    for (const result of results) summary[result] += 1;
  };
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    let line: ImportLine;
    try {
      line = checkedLine(text);
    } catch (error) {
      await storeBatch(); // the lines before it
      throw new ImportLineError(number, error instanceof Error ? error.message : String(error));
    }
    // A document twice in one batch would race with itself: the first goes to storage first.
    if (batch.some((waiting) => waiting.line.key.collection === line.key.collection && waiting.line.key.id === line.key.id)) await storeBatch();
    batch.push({ line, number });
    if (batch.length >= IMPORT_BATCH) await storeBatch();
  }
  await storeBatch();
  return summary;
}
