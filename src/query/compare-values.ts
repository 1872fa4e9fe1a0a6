/**
 * Comparing JSON values the way queries do: equality (deep, for arrays),
 * range comparison within one type, and the total order `$sort` uses.
 */

/** Deep equality of JSON values (objects compared key by key, in any order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || (a === 0 && b === 0)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every(
    (key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

/** Compares two numbers or two strings (strings by code point); null when the types differ or are not ordered. */
export function rangeCompare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  return null;
}

/**
 * Orders strings by Unicode code point, which is also the byte order of their
 * UTF-8 form (how SQLite compares them). JavaScript's `<` compares UTF-16
 * code units instead, which puts characters above U+FFFF (surrogate pairs)
 * before U+E000-U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate stands for a code point above U+FFFF: greater than any other unit it differs from.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * The rank of a value's type in sort order, as in MongoDB: missing and null
 * first, then numbers, strings, objects, arrays, booleans.
 */
export function sortRank(value: unknown): number {
  if (value === undefined || value === null) return 0;
  switch (typeof value) {
    case 'number':
      return 1;
    case 'string':
      return 2;
    case 'boolean':
      return 5;
    default:
      return Array.isArray(value) ? 4 : 3;
  }
}

/**
 * Total order of `$sort` keys: by type rank, then by value for numbers,
 * strings and booleans (false before true). Objects and arrays of the same
 * rank compare equal (the id breaks the tie).
 */
export function sortCompare(a: unknown, b: unknown): number {
  const ra = sortRank(a);
  const rb = sortRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 5) return Number(a) - Number(b);
  return rangeCompare(a, b) ?? 0;
}
