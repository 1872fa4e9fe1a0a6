/**
 * `memoryStorage()`: a Storage that keeps everything in memory, for tests and
 * demos. It behaves like the durable adapters (copies bytes in and out,
 * per-document versions, `expectVersion`, forward-only compaction and JSON)
 * but loses everything on exit. Queries run `evaluateQuery` over the parsed
 * JSON values, so they give what `sqliteStorage` gives (the agreement tests
 * check it case by case).
 */
import { compareStrings } from '../query/compare-values.ts';
import { evaluateQuery } from '../query/evaluate-query.ts';
import { modifiersOf } from '../query/query-expression.ts';
import { memoryHistory } from './history-storage.ts';
import { memoryChanges } from './memory-changes.ts';
import { compileQuery } from './sqlite-query.ts';
import { assertPageLimit } from './sqlite-listing.ts';
import { VersionConflictError, type Storage, type StoredDocument, type StoredQueryResult, type StoredUpdates } from './storage.ts';
import type { StorageKey } from './storage-key.ts';

interface Entry {
  readonly collection: string;
  readonly id: string;
  state: Uint8Array | null;
  /** The version the state reflects (0 when never compacted). */
  stateVersion: number;
  /** The log: updates after `stateVersion`, the first at version `stateVersion + 1`. */
  updates: Uint8Array[];
  json: string | null;
  /** Version of the last update appended (0 when none). */
  version: number;
  /** The version the JSON value reflects. */
  jsonVersion: number;
  /** `json` parsed, once a query needed it (undefined until then). */
  parsed?: unknown;
}

/** Creates an in-memory storage. */
export function memoryStorage(): Storage {
  const docs = new Map<string, Entry>();
  let closed = false;
  const open = (): void => {
    if (closed) throw new Error('yracer memoryStorage: the storage is closed');
  };
  const entry = (key: StorageKey): Entry => {
    open();
    const name = `${key.collection}/${key.id}`;
    let found = docs.get(name);
    if (!found) {
      found = { collection: key.collection, id: key.id, state: null, stateVersion: 0, updates: [], json: null, version: 0, jsonVersion: 0 };
      docs.set(name, found);
    }
    return found;
  };
  const load = (key: StorageKey): StoredDocument => {
    const found = entry(key);
    return { state: found.state && found.state.slice(), updates: found.updates.map((u) => u.slice()), version: found.version };
  };
  return {
    async load(key) {
      return load(key);
    },
    async append(key, updates, options = {}) {
      const found = entry(key);
      if (options.expectVersion !== undefined && options.expectVersion !== found.version) {
        throw new VersionConflictError(key, options.expectVersion, found.version);
      }
      for (const update of updates) found.updates.push(update.slice());
      found.version += updates.length;
      return found.version;
    },
    async readSince(key, version): Promise<StoredUpdates> {
      const found = entry(key);
      if (version >= found.stateVersion) {
        return { state: null, updates: found.updates.slice(version - found.stateVersion).map((u) => u.slice()), version: found.version };
      }
      return { state: found.state && found.state.slice(), updates: found.updates.map((u) => u.slice()), version: found.version };
    },
    async countDocuments() {
      open();
      let count = 0;
      for (const found of docs.values()) if (found.version > 0) count += 1;
      return count;
    },
    async heads(keys) {
      open();
      return keys.map((key) => docs.get(`${key.collection}/${key.id}`)?.version ?? 0);
    },
    async compact(key, state, through) {
      const found = entry(key);
      if (through > found.version) throw new RangeError(`yracer memoryStorage: ${key.collection}/${key.id} has no version ${through}`);
      if (through <= found.stateVersion) return;
      found.state = state.slice();
      found.updates = found.updates.slice(through - found.stateVersion);
      found.stateVersion = through;
    },
    async saveJson(key, json, version) {
      const found = entry(key);
      const through = version ?? found.version;
      if (through < found.jsonVersion) return;
      found.json = json;
      found.jsonVersion = through;
      delete found.parsed;
    },
    async staleJson() {
      open();
      return [...docs.values()].filter((found) => found.version > found.jsonVersion).map(({ collection, id }) => ({ collection, id }));
    },
    async loadJson(key) {
      return entry(key).json;
    },
    async query(collection, expression, options = {}): Promise<StoredQueryResult> {
      open();
      // Rejects exactly what sqliteStorage rejects (queryProblem, plus the SQL compiler's own field checks).
      compileQuery(collection, expression);
      const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const json = new Map<string, string>();
      for (const found of docs.values()) {
        if (found.collection !== collection || found.json === null) continue;
        if (!('parsed' in found)) found.parsed = JSON.parse(found.json);
        values[found.id] = found.parsed;
        json.set(found.id, found.json);
      }
      const evaluated = evaluateQuery(values, expression);
      const ids = modifiersOf(expression).count ? [] : evaluated.ids;
      const result = { ids, count: evaluated.count, json: ids.map((id) => json.get(id) as string) };
      return options.documents ? { ...result, documents: ids.map((id) => load({ collection, id })) } : result;
    },
    changes: memoryChanges(open),
    async documentsAfter(after, limit) {
      open();
      assertPageLimit(limit, 'memoryStorage');
      // Code point order, as the durable adapters sort (a page of a test-sized store: sorting it all is fine).
      const byKey = (a: StorageKey, b: StorageKey): number => compareStrings(a.collection, b.collection) || compareStrings(a.id, b.id);
      const page = [...docs.values()].filter((found) => after === null || byKey(found, after) > 0).sort(byKey).slice(0, limit);
      return page.map((found) => ({ collection: found.collection, id: found.id, ...load(found), json: found.json }));
    },
    async close() {
      closed = true;
    },
    history: memoryHistory(open),
  };
}
