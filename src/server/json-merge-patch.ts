/**
 * JSON Merge Patch (RFC 7396): how `PATCH /docs/:collection/:id` changes a
 * document. An object patch merges into the target key by key (recursively),
 * a `null` member deletes its key, and anything that is not an object
 * replaces the target whole.
 */

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The target with the patch applied (RFC 7396 `MergePatch`). Neither
 * argument is modified; unchanged members of the target are shared with the
 * result. An undefined target counts as missing (an object patch starts
 * from `{}`).
 *
 * @example
 * applyMergePatch({ title: 'a', tags: ['x'], done: false }, { done: true, tags: null });
 * // { title: 'a', done: true }
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlain(patch)) return patch;
  const result: Plain = isPlain(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    // defineProperty: a `__proto__` member (JSON.parse makes it an own key) stays a key, for the checks to refuse.
    else Object.defineProperty(result, key, { value: applyMergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value), enumerable: true, writable: true, configurable: true });
  }
  return result;
}
