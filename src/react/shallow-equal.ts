/**
 * `shallowEqual`: the default equality of selector hooks (`useOthers`).
 */

/**
 * True when `a` and `b` are the same value, or arrays with the same items, or
 * plain objects with the same keys and values (items and values compared
 * with `Object.is`, one level deep).
 *
 * @example
 * shallowEqual(['ada', 'bob'], ['ada', 'bob']); // true
 * shallowEqual({ x: 1 }, { x: 1, y: 2 }); // false
 */
export function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(rb, key) || !Object.is(ra[key], rb[key])) return false;
  }
  return true;
}
