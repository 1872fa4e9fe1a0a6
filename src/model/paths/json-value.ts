/**
 * JSON values: what the model stores, and the checks that keep anything else
 * (functions, class instances, NaN, cycles, ...) out of it.
 */

/** A JSON primitive. */
export type JsonPrimitive = null | boolean | number | string;

/** Any JSON value, as the model stores and returns it (snapshots are read-only). */
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * How deep values may nest inside a document: a field of the document is at
 * level 1, a field of that field's object at level 2, and so on. Deeper
 * values are refused (by the model and by the server), so no value can
 * exhaust the stack of the code that walks it.
 */
export const MAX_DEPTH = 100;

/** Where inside a value a problem sits, and what it is. */
export interface JsonProblem {
  /** Dotted location inside the value (`''` for the value itself). */
  at: string;
  /** What is wrong, in words. */
  reason: string;
}

/** Why a map key can't be stored, or null when it can. */
export function keyProblem(key: string): string | null {
  if (key === '') return 'an empty key cannot be addressed by a path';
  if (key.includes('.')) return `the key "${key}" contains a dot, which paths use as a separator`;
  if (key.startsWith('\u0000')) return `the key "${key.slice(1)}" starts with a reserved NUL character`;
  if (key === '__proto__') return 'the key "__proto__" is reserved';
  return null;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'bigint') return 'a bigint';
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor?.name ? `a ${ctor.name} instance` : 'an object with a custom prototype';
}

function join(at: string, key: string | number): string {
  return at === '' ? String(key) : `${at}.${key}`;
}

/**
 * Finds the first reason a value is not plain JSON, or returns null.
 *
 * Objects must be plain (prototype `Object.prototype` or `null`), numbers
 * finite, arrays dense and without `undefined`; object properties that are
 * `undefined` are skipped as `JSON.stringify` does. Shared references are
 * fine; cycles are not. `depth` is the level the value sits at inside its
 * document (0 for the document itself); nothing may nest past `MAX_DEPTH`.
 */
export function findJsonProblem(value: unknown, depth = 0): JsonProblem | null {
  if (depth > MAX_DEPTH) return { at: '', reason: `values may not nest deeper than ${MAX_DEPTH} levels inside a document` };
  if (typeof value === 'string' || typeof value === 'boolean' || value === null || value === undefined) return null;
  const ancestors = new Set<object>();
  const visit = (node: unknown, at: string, inArray: boolean, level: number): JsonProblem | null => {
    if (level > MAX_DEPTH) return { at, reason: `values may not nest deeper than ${MAX_DEPTH} levels inside a document` };
    switch (typeof node) {
      case 'string':
      case 'boolean':
        return null;
      case 'number':
        return Number.isFinite(node) ? null : { at, reason: `${describe(node)} is not a finite number` };
      case 'undefined':
        return inArray ? { at, reason: 'undefined is not allowed in an array' } : null;
      case 'object':
        break;
      default:
        return { at, reason: `${describe(node)} is not JSON` };
    }
    if (node === null) return null;
    if (ancestors.has(node)) return { at, reason: 'the value contains a cycle' };
    ancestors.add(node);
    try {
      if (Array.isArray(node)) {
        if (Object.getPrototypeOf(node) !== Array.prototype) return { at, reason: `${describe(node)} is not JSON` };
        for (let i = 0; i < node.length; i++) {
          if (!(i in node)) return { at: join(at, i), reason: 'sparse arrays (holes) are not JSON' };
          const problem = visit(node[i], join(at, i), true, level + 1);
          if (problem) return problem;
        }
        return null;
      }
      const proto: unknown = Object.getPrototypeOf(node);
      if (proto !== Object.prototype && proto !== null) return { at, reason: `${describe(node)} is not JSON` };
      for (const key of Object.keys(node)) {
        const child = (node as Record<string, unknown>)[key];
        if (child === undefined) continue;
        const bad = keyProblem(key);
        if (bad) return { at: join(at, key), reason: bad };
        const problem = visit(child, join(at, key), false, level + 1);
        if (problem) return problem;
      }
      return null;
    } finally {
      ancestors.delete(node);
    }
  };
  return visit(value, '', false, depth);
}

/** Deep equality of two JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const key of ka) {
    if (!Object.prototype.hasOwnProperty.call(rb, key) || !jsonEqual(ra[key], rb[key])) return false;
  }
  return true;
}
