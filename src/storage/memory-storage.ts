/**
 * `memoryStorage()`: a Storage that keeps everything in memory, for tests and
 * demos. It behaves like the durable adapters (copies bytes in and out,
 * sequence numbers, atomic compaction) but loses everything on exit.
 */
import type { Storage, StorageKey, StoredDocument } from './storage.ts';

interface Entry {
  state: Uint8Array | null;
  updates: Array<{ seq: number; data: Uint8Array }>;
  json: string | null;
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
      found = { state: null, updates: [], json: null };
      docs.set(name, found);
    }
    return found;
  };
  return {
    async load(key): Promise<StoredDocument> {
      const found = entry(key);
      return {
        state: found.state && found.state.slice(),
        updates: found.updates.map((u) => u.data.slice()),
        seq: found.updates[found.updates.length - 1]?.seq ?? 0,
      };
    },
    async append(key, update) {
      seq += 1;
      entry(key).updates.push({ seq, data: update.slice() });
      return seq;
    },
    async compact(key, state, throughSeq) {
      const found = entry(key);
      found.state = state.slice();
      found.updates = found.updates.filter((u) => u.seq > throughSeq);
    },
    async saveJson(key, json) {
      entry(key).json = json;
    },
    async loadJson(key) {
      return entry(key).json;
    },
    async close() {
      closed = true;
    },
  };
}
