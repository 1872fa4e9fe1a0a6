/**
 * Racer's reading helpers over a model's snapshots: `getOrDefault`,
 * `getOrThrow`, `getValues`, `getCopy` and `getDeepCopy`. Snapshots are
 * frozen and structurally shared; the copies are plain, mutable values.
 */
import { modelError } from '../model-error.ts';

/** `value`, or `fallback` when it is undefined or null. */
export function orDefault<T>(value: T | undefined | null, fallback: T): T {
  return value ?? fallback;
}

/** `value`, or a `RangeError` naming the path when it is undefined or null. */
export function orThrow<T>(value: T | undefined | null, path: string): T {
  if (value === undefined || value === null) throw modelError('range', 'getOrThrow', path, `there is no value at ${path || 'the root'}`);
  return value;
}

/** The values of an object (or the elements of an array) as a new array; [] when there is nothing at the path. */
export function valuesOf(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return [...(value as unknown[])];
  if (typeof value !== 'object') throw modelError('type', 'getValues', path, `the value at ${path || 'the root'} is a ${typeof value}, not an object`);
  return Object.values(value as Record<string, unknown>);
}

/** A shallow, mutable copy: a new array or object holding the same (frozen) children; other values as they are. */
export function shallowCopy<T>(value: T): T {
  if (Array.isArray(value)) return [...(value as unknown[])] as T;
  if (typeof value === 'object' && value !== null) return { ...(value as Record<string, unknown>) } as T;
  return value;
}

/** A deep, mutable copy of a JSON value. */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return (value as unknown[]).map((item) => deepCopy(item)) as T;
  // Object.fromEntries defines own properties: a "__proto__" key stays a key.
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, deepCopy(item)])) as T;
  return value;
}
