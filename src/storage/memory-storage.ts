/**
 * `memoryStorage()`: a Storage that keeps everything in memory, for tests and
 * demos. It behaves like the durable adapters (copies bytes in and out,
 * sequence numbers, atomic compaction) but loses everything on exit.
 * Queries run `evaluateQuery` over the parsed JSON values, so they give what
 * `sqliteStorage` gives (the agreement tests check it case by case).
 */
import { evaluateQuery } from '../query/evaluate-query.ts';
import { modifiersOf } from '../query/query-expression.ts';
import { compileQuery } from './sqlite-query.ts';
import type { Storage, StorageKey, StoredDocument, StoredQueryResult } from './storage.ts';

interface Entry {
  readonly collection: string;
  readonly id: string;
  state: Uint8Array | null;
  updates: Array<{ seq: number; data: Uint8Array }>;
  json: string | null;
  /** Sequence number of the last update appended (0 when none). */
  head: number;
  /** Sequence number of the last update the JSON value reflects. */
  jsonSeq: number;
  /** `json` parsed, once a query needed it (undefined until then). */
  parsed?: unknown;
}

/** Creates an in-memory storage. */
export function memoryStorage(): Storage {
  const docs = new Map<string, Entry>();
  let seq = 0;
  let closed = false;
  const entry = (key: StorageKey): Entry => {
    if (closed) throw new Error('yracer memoryStorage: the storage is closed');
    const name = `${key.collection}/${key.id}`;
    let found = docs.get(name);
    if (!found) {
      found = { collection: key.collection, id: key.id, state: null, updates: [], json: null, head: 0, jsonSeq: 0 };
      docs.set(name, found);
    }
    return found;
  };
  const load = (key: StorageKey): StoredDocument => {
    const found = entry(key);
    return {
      state: found.state && found.state.slice(),
      updates: found.updates.map((u) => u.data.slice()),
      seq: found.head,
    };
  };
  return {
    async load(key) {
      return load(key);
    },
    async append(key, update) {
      const found = entry(key);
      seq += 1;
      found.updates.push({ seq, data: update.slice() });
      found.head = seq;
      return seq;
    },
    async compact(key, state, throughSeq) {
      const found = entry(key);
      found.state = state.slice();
      found.updates = found.updates.filter((u) => u.seq > throughSeq);
    },
    async saveJson(key, json, throughSeq) {
      const found = entry(key);
      const through = throughSeq ?? found.head;
      if (through < found.jsonSeq) return;
      found.json = json;
      found.jsonSeq = through;
      delete found.parsed;
    },
    async staleJson() {
      if (closed) throw new Error('yracer memoryStorage: the storage is closed');
      return [...docs.values()].filter((found) => found.head > found.jsonSeq).map(({ collection, id }) => ({ collection, id }));
    },
    async loadJson(key) {
      return entry(key).json;
    },
    async query(collection, expression, options = {}): Promise<StoredQueryResult> {
      if (closed) throw new Error('yracer memoryStorage: the storage is closed');
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
    async close() {
      closed = true;
    },
  };
}
