/**
 * Mutations that create whole documents: `create`, `createNull`, `add`.
 * Synced documents carry their id in an `id` field, as in Racer.
 */
import { assertJson, isDocumentTarget, locate, parseTarget, type Target } from '../paths/locate.ts';
import { modelError } from '../model-error.ts';
import { isLocalCollection, isValidDocId, pathProblem, splitPath } from '../paths/path.ts';
import { setValue, writeAt, writeDocument } from './value-mutations.ts';
import { settle, type AddCallback, type WriteCallback, type WriteScope } from './write-scope.ts';

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new random document id: 16 characters of base 62 (about 95 bits). */
export function newId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % 62];
  return id;
}

function documentTarget(method: string, path: string): Target {
  const target = parseTarget(method, path);
  if (target.rest.length > 0) {
    throw modelError('error', method, path, `${method} needs a document path (collection.docId), not a path inside one`);
  }
  return target;
}

function withId(target: Target, value: unknown): unknown {
  if (!isDocumentTarget(target)) return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw modelError('type', target.method, target.path, 'a document must be an object');
  }
  const record = value as Record<string, unknown>;
  if (record['id'] === undefined) return { ...record, id: target.id };
  if (record['id'] !== target.id) {
    throw modelError('error', target.method, target.path, `the value's id ${JSON.stringify(record['id'])} differs from the path's id "${target.id}"`);
  }
  return value;
}

function write(scope: WriteScope, target: Target, value: unknown, callback?: WriteCallback): void {
  if (isDocumentTarget(target)) writeDocument(scope, target, value, callback);
  else writeAt(scope, locate(scope.store, target), value, callback);
}

/** `create(path, value)`: creates a document; throws when it already exists. */
export function createDocument(
  scope: WriteScope,
  path: string,
  value: unknown,
  callback?: WriteCallback,
  method = 'create',
): void {
  const target = documentTarget(method, path);
  assertJson(target, value);
  const stored = withId(target, value === undefined ? {} : value);
  if (scope.store.read(target.segments) !== undefined) {
    throw modelError('error', method, path, 'the document already exists');
  }
  write(scope, target, stored, callback);
}

/** `createNull(path, value)`: creates a document unless it already exists. */
export function createNullDocument(scope: WriteScope, path: string, value: unknown, callback?: WriteCallback): void {
  const target = documentTarget('createNull', path);
  assertJson(target, value);
  const stored = withId(target, value === undefined ? {} : value);
  if (scope.store.read(target.segments) === undefined) write(scope, target, stored, callback);
  else settle(scope, callback);
}

/**
 * `add(path, value)`: stores `{ ...value, id }` under `path.<id>` (`value.id`
 * or a new id) and returns the id. In a synced collection the path is the
 * collection and the value a new document; in a local one (`_page`, `$x`) it
 * may be any path, as in Racer (`add('_page.colors', {...})`).
 */
export function addDocument(scope: WriteScope, collectionPath: string, value: unknown, callback?: AddCallback): string {
  const segments = splitPath(collectionPath);
  const problem = pathProblem(segments);
  if (problem) throw modelError('error', 'add', collectionPath, `invalid path: ${problem}`);
  const local = segments[0] !== undefined && isLocalCollection(segments[0]);
  if (!local && segments.length !== 1) {
    throw modelError('error', 'add', collectionPath, 'add needs a collection name (or any path in a local collection)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw modelError('type', 'add', collectionPath, 'add needs an object value');
  }
  assertJson({ method: 'add', path: collectionPath }, value);
  const given = (value as Record<string, unknown>)['id'];
  if (given !== undefined && (typeof given !== 'string' || !isValidDocId(given))) {
    throw modelError('error', 'add', collectionPath, `the value's id ${JSON.stringify(given)} is not a valid document id`);
  }
  const id = given ?? newId();
  const stored = { ...value, id };
  const reportId = callback && ((error?: Error) => callback(error, id));
  if (segments.length === 1) createDocument(scope, `${collectionPath}.${id}`, stored, reportId, 'add');
  else setValue(scope, `${collectionPath}.${id}`, stored, reportId, 'add');
  return id;
}
