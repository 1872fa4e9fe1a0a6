/**
 * Bundles: what a model loaded, serialized as JSON, so that a model in
 * another process (the browser after a server-side render) resumes in the
 * same state. A bundle carries each synced document's full Yjs state (not
 * just its JSON, so the resumed model merges with later server updates
 * exactly), the values of app-local documents (`_page`, never `$`
 * engine state) and which documents were subscribed or fetched.
 */
import * as Y from 'yjs';
import { findJsonProblem, type JsonValue } from './paths/json-value.ts';
import type { ModelStore } from './documents/model-store.ts';
import { isValidCollection, isValidDocId } from './paths/path.ts';
import type { DocRef } from './documents/sync-port.ts';
import { functionsOf, readBundledStarts, type BundledStart } from './functions/reactive-functions.ts';
import type { StartCall } from './functions/start-args.ts';
import { bundleRefs, loadBundledRefs, readBundledRefs, type BundledRef } from './refs/ref-bundle.ts';

/** The bundle format version this code writes and reads. */
export const BUNDLE_VERSION = 1;

/** A serialized model (plain JSON: safe to embed in a page). */
export interface ModelBundle {
  /** Format version (1). */
  readonly yracer: number;
  /** Synced documents: collection, id, Yjs state as base64, and 0 for one that was written to but never loaded. */
  readonly docs: ReadonlyArray<readonly [collection: string, id: string, state: string, loaded?: 0]>;
  /** App-local documents (`_` collections): collection, id, value. */
  readonly local: ReadonlyArray<readonly [collection: string, id: string, value: JsonValue]>;
  /** Documents held live, as `collection.id`. */
  readonly subscribe: readonly string[];
  /** Documents loaded once, as `collection.id`. */
  readonly fetch: readonly string[];
  /** Functions started by name, as Racer bundles them: `[output, ...inputs, options?, name]` (absent when none). */
  readonly fns?: readonly BundledStart[];
  /** Refs and ref lists, in the order they were made (absent when there are none). */
  readonly refs?: readonly BundledRef[];
}

/** Serializes what a store holds. */
export function createBundle(store: ModelStore): ModelBundle {
  const docs: Array<[string, string, string] | [string, string, string, 0]> = [];
  const local: Array<[string, string, JsonValue]> = [];
  for (const entry of store.entries()) {
    if (entry.local) {
      if (entry.collection.startsWith('_') && entry.exists()) {
        local.push([entry.collection, entry.id, store.docValue(entry) as JsonValue]);
      }
    } else if (entry.loaded || entry.ydoc.store.clients.size > 0) {
      const state = toBase64(Y.encodeStateAsUpdate(entry.ydoc));
      // A document this model only wrote to must not resume as if complete.
      docs.push(entry.loaded || !store.sync ? [entry.collection, entry.id, state] : [entry.collection, entry.id, state, 0]);
    }
  }
  const holdings = store.sync?.holdings() ?? { subscribe: [], fetch: [] };
  const names = (refs: readonly DocRef[]): string[] => refs.map((ref) => `${ref.collection}.${ref.id}`);
  const fns = functionsOf(store).bundle();
  const refs = bundleRefs(store);
  const bundle = { yracer: BUNDLE_VERSION, docs, local, subscribe: names(holdings.subscribe), fetch: names(holdings.fetch), ...(refs ? { refs } : {}) };
  return fns.length > 0 ? { ...bundle, fns } : bundle;
}

/** A bundle checked for shape, its states decoded. */
export interface ReadBundle {
  readonly docs: ReadonlyArray<{ readonly collection: string; readonly id: string; readonly state: Uint8Array; readonly loaded: boolean }>;
  readonly local: ReadonlyArray<{ readonly collection: string; readonly id: string; readonly value: JsonValue }>;
  readonly subscribe: readonly DocRef[];
  readonly fetch: readonly DocRef[];
  readonly fns: readonly StartCall[];
  readonly refs: readonly BundledRef[];
}

/** Checks and decodes a bundle; throws a `TypeError` saying what is wrong. */
export function readBundle(bundle: unknown): ReadBundle {
  const fail = (what: string): never => {
    throw new TypeError(`yracer bundle: ${what}`);
  };
  if (typeof bundle !== 'object' || bundle === null) return fail('expected the object model.bundle() returned');
  const b = bundle as Record<string, unknown>;
  if (b['yracer'] !== BUNDLE_VERSION) return fail(`unsupported version ${JSON.stringify(b['yracer'])} (this yracer reads ${BUNDLE_VERSION})`);
  const list = (key: string): unknown[] => (Array.isArray(b[key]) ? (b[key] as unknown[]) : fail(`"${key}" must be an array`));
  const docKey = (where: string, collection: unknown, id: unknown): { collection: string; id: string } => {
    if (typeof collection !== 'string' || !isValidCollection(collection) || typeof id !== 'string' || !isValidDocId(id)) {
      return fail(`${where} names no valid document (${JSON.stringify(collection)}, ${JSON.stringify(id)})`);
    }
    return { collection, id };
  };
  const docs = list('docs').map((item, i) => {
    if (!Array.isArray(item) || item.length < 3 || item.length > 4 || typeof item[2] !== 'string' || (item.length === 4 && item[3] !== 0)) {
      return fail(`docs[${i}] must be [collection, id, base64 state] or [collection, id, base64 state, 0]`);
    }
    const key = docKey(`docs[${i}]`, item[0], item[1]);
    if (key.collection.startsWith('_') || key.collection.startsWith('$')) return fail(`docs[${i}] is in a local collection`);
    let state: Uint8Array;
    try {
      state = fromBase64(item[2]);
    } catch {
      return fail(`docs[${i}] (${key.collection}.${key.id}) has a state that is not base64`);
    }
    return { ...key, state, loaded: item.length === 3 };
  });
  const local = list('local').map((item, i) => {
    if (!Array.isArray(item) || item.length !== 3) return fail(`local[${i}] must be [collection, id, value]`);
    const key = docKey(`local[${i}]`, item[0], item[1]);
    if (!key.collection.startsWith('_')) return fail(`local[${i}] is not in a "_" collection`);
    return { ...key, value: item[2] as JsonValue };
  });
  const refs = (name: string): DocRef[] =>
    list(name).map((path, i) => {
      const [collection, id, extra] = typeof path === 'string' ? path.split('.') : [];
      if (extra !== undefined) return fail(`${name}[${i}] must be "collection.id"`);
      return docKey(`${name}[${i}]`, collection, id);
    });
  return { docs, local, subscribe: refs('subscribe'), fetch: refs('fetch'), fns: readBundledStarts(b['fns']), refs: readBundledRefs(b['refs']) };
}

/** Base64 of bytes (btoa, in chunks: works in browsers and Node alike). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Bytes of base64 text; throws on anything else. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** What loading a bundle needs from the model: its store and a way to set local values. */
export interface BundleTarget {
  readonly store: ModelStore;
  set(path: string, value: unknown): unknown;
}

/**
 * Loads a checked bundle into a model: each synced document's state (marking
 * it loaded) and each local value. All or nothing: every state is first
 * applied to a scratch Yjs document and every local value checked, so a
 * bundle with anything the model cannot take changes nothing. Throws an
 * `Error` naming the document whose state Yjs cannot apply, or a `TypeError`
 * naming the local value that is not JSON.
 */
export function loadBundle(target: BundleTarget, bundle: ReadBundle): void {
  for (const { collection, id, state } of bundle.docs) checkState(`${collection}.${id}`, state);
  for (const { collection, id, value } of bundle.local) checkLocalValue(`${collection}.${id}`, value);
  for (const { collection, id, state, loaded } of bundle.docs) target.store.load(collection, id, state, loaded);
  for (const { collection, id, value } of bundle.local) target.set(`${collection}.${id}`, value);
  loadBundledRefs(target.store, bundle.refs);
  // Started by name: those whose name is registered now start, the others once `model.fn` registers it.
  functionsOf(target.store).restore(bundle.fns);
}

/** Throws unless Yjs applies `state` (to a scratch document, dropped after). */
function checkState(path: string, state: Uint8Array): void {
  const scratch = new Y.Doc();
  try {
    Y.applyUpdate(scratch, state);
  } catch (error) {
    throw new Error(`yracer bundle: the state of ${path} cannot be applied (${String(error)})`, { cause: error });
  } finally {
    scratch.destroy();
  }
}

/** Throws unless the model can store `value` (plain JSON with addressable keys). */
function checkLocalValue(path: string, value: unknown): void {
  const problem = findJsonProblem(value);
  if (problem) {
    const at = problem.at === '' ? 'value' : `value.${problem.at}`;
    throw new TypeError(`yracer bundle: the value of ${path} cannot be set (${at}: ${problem.reason})`);
  }
}
