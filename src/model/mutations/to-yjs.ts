/**
 * Converts a JSON value into what is stored in Yjs: objects become `Y.Map`,
 * arrays `Y.Array`, everything else is stored as it is. Strings stay plain
 * until `stringInsert`/`stringRemove` edits them (then they become `Y.Text`).
 * The value must have passed `findJsonProblem` first.
 */
import * as Y from 'yjs';

/** The Yjs form of a JSON value (a new, not yet integrated type, or the primitive). */
export function toYjs(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const array = new Y.Array<unknown>();
    array.insert(0, value.map(toYjs));
    return array;
  }
  const entries: Array<[string, unknown]> = [];
  for (const [key, child] of Object.entries(value)) {
    if (child !== undefined) entries.push([key, toYjs(child)]);
  }
  return new Y.Map(entries);
}

/** A deep copy of a stored value that keeps texts as texts and counters as counters. */
export function cloneStored(raw: unknown): unknown {
  return raw instanceof Y.AbstractType ? (raw as Y.Map<unknown>).clone() : raw;
}
