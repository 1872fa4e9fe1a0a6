/**
 * What Postgres text and `jsonb` cannot hold, and what `postgresStorage`
 * does about it.
 *
 * Document names: text cannot hold U+0000, and an unpaired surrogate would
 * reach the server as U+FFFD (two names, one row), so `assertStorableKey`
 * refuses such names with a `TypeError` (wire names never hold them).
 *
 * JSON values: the `jsonb` column cannot hold every JSON text. It refuses
 * U+0000 and unpaired surrogates in strings and keys (`\u0000`, `\ud800`),
 * and numbers a double cannot hold (`1e400`, which `JSON.stringify` never
 * writes) would break the `float8` casts of queries.
 *
 * The exact text is kept in the `json` column (what `loadJson` and query
 * results return); only the queried copy is cleaned, the way
 * `cleanQueryString` cleans the strings a query compares with, so both
 * sides agree:
 * - U+0000 and unpaired surrogates become U+FFFD (the replacement
 *   character), in strings and keys. A query for `'a\u0000b'` therefore
 *   also finds `'a\uFFFDb'`, and sorts it as U+FFFD (the one place where
 *   Postgres answers differ from `evaluateQuery`).
 * - Numbers are stored as JavaScript parses them: underflows become 0 and
 *   overflows ±`Number.MAX_VALUE` (JavaScript's Infinity has no JSON form).
 */
import type { StorageKey } from './storage-key.ts';

const REPLACEMENT = '\uFFFD';

/** Text that may need cleaning: an escaped U+0000 or surrogate, or a number with a long exponent or many digits. */
const SUSPECT = /\\u(?:0000|[dD][89a-fA-F])|\d[eE][+-]?\d{3}|\d{300}/;

/** U+0000, or a surrogate that is not part of a pair. */
// eslint-disable-next-line no-control-regex -- U+0000 is what it looks for
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_UNSAFE = new RegExp(UNSAFE.source);

/**
 * A string as the `jsonb` column holds it: U+0000 and unpaired surrogates
 * replaced with U+FFFD. Query compilers pass every string they compare with
 * through it.
 *
 * @example
 * cleanQueryString('a\u0000b'); // 'a\uFFFDb'
 */
export function cleanQueryString(value: string): string {
  return value.replace(UNSAFE, REPLACEMENT);
}

/**
 * Throws a `TypeError` when a collection or document id cannot be stored as
 * Postgres text: it is not a string, or holds U+0000 or an unpaired surrogate.
 *
 * @example
 * assertStorableName('a\u0000'); // throws
 */
export function assertStorableName(name: string): void {
  if (typeof name !== 'string') throw new TypeError('yracer postgresStorage: collections and ids must be strings');
  if (HAS_UNSAFE.test(name)) throw new TypeError(`yracer postgresStorage: ${JSON.stringify(name.slice(0, 100))} holds U+0000 or an unpaired surrogate and cannot be stored`);
}

/**
 * Throws a `TypeError` when either part of a document name cannot be stored
 * (see `assertStorableName`).
 *
 * @example
 * assertStorableKey({ collection: 'todos', id: 'a' }); // fine
 */
export function assertStorableKey(key: StorageKey): void {
  assertStorableName(key.collection);
  assertStorableName(key.id);
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return cleanQueryString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : Math.sign(value) * Number.MAX_VALUE;
  if (Array.isArray(value)) return value.map(clean);
  if (typeof value !== 'object' || value === null) return value;
  // A null prototype keeps a "__proto__" key an ordinary key.
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, inner] of Object.entries(value)) copy[cleanQueryString(key)] = clean(inner);
  return copy;
}

/**
 * Checks a document's JSON text and returns what the `jsonb` column should
 * be given instead, or null when the text can go as it is (the usual case,
 * decided by one regular expression). Throws a `SyntaxError` when the text
 * is not JSON, so a bad value is refused alone, before it reaches a batch.
 *
 * @example
 * jsonbText('{"s":"a\\u0000b"}'); // '{"s":"a\uFFFDb"}' (the real character)
 * jsonbText('{"n":1}'); // null
 */
export function jsonbText(json: string): string | null {
  const value: unknown = JSON.parse(json);
  if (!SUSPECT.test(json)) return null;
  return JSON.stringify(clean(value));
}
