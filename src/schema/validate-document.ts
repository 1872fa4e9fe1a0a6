/**
 * Validating a document's value with its collection's Standard Schema: the
 * server does it after every update, the client before it sends a write.
 */
import type { SchemaMap, StandardSchemaV1 } from './standard-schema.ts';

/** One issue as text: `path.to.field: message` (or just the message at the root). */
function issueText(issue: StandardSchemaV1.Issue): string {
  const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment));
  return path.length > 0 ? `${path.join('.')}: ${issue.message}` : issue.message;
}

/** The text of a failed validation: its first three issues, with the document's path. */
function failureText(where: string, issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  const shown = issues.slice(0, 3).map(issueText).join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return `schema of ${where}: ${shown}${more}`;
}

/**
 * The first place where a schema's output differs from the document it
 * validated (`tags.1.name`, or `''` for the document itself), or null when
 * they are the same JSON. A top-level `id` the output leaves out is not a
 * difference: the model keeps the document id there, and schemas need not
 * declare it.
 */
function firstDifference(input: unknown, output: unknown, id: string): string | null {
  const stack: Array<readonly [unknown, unknown, string]> = [[input, output, '']];
  while (stack.length > 0) {
    const [a, b, at] = stack.pop() as readonly [unknown, unknown, string];
    if (Object.is(a, b)) continue;
    const join = (key: string | number): string => (at === '' ? String(key) : `${at}.${key}`);
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return at;
      a.forEach((child, i) => stack.push([child, b[i], join(i)]));
      continue;
    }
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) || Array.isArray(b)) return at;
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      if (at === '' && key === 'id' && ra[key] === id && !(key in rb)) continue;
      if (!(key in ra) || !(key in rb)) return join(key);
      stack.push([ra[key], rb[key], join(key)]);
    }
  }
  return null;
}

/** True when `schemas` is a map of collection names to Standard Schema validators. */
export function assertSchemaMap(schemas: unknown, where: string): asserts schemas is SchemaMap {
  if (typeof schemas !== 'object' || schemas === null || Array.isArray(schemas)) {
    throw new TypeError(`${where}: schema must map collection names to validators (zod, valibot, arktype, ...)`);
  }
  for (const [collection, schema] of Object.entries(schemas)) {
    const props = (schema as Partial<StandardSchemaV1> | null)?.['~standard'];
    if (typeof props !== 'object' || props === null || typeof props.validate !== 'function') {
      throw new TypeError(`${where}: schema.${collection} is not a Standard Schema validator (it has no ~standard.validate)`);
    }
  }
}

/**
 * Why a document's value fails its collection's schema (`schema of
 * todos.a1: title: Expected string`), or null when it passes or the
 * collection has no schema. A deleted document (undefined) always passes.
 * A value the schema accepts only by changing it (an object schema that
 * strips unknown fields, defaults, transforms) fails too, naming the first
 * field that differs: the server stores the document as it is, so the
 * schema's verdict must be about exactly that.
 * Resolves synchronously when the validator does (a `Promise` only for
 * async validators).
 */
export function schemaProblem(
  schemas: SchemaMap | undefined,
  collection: string,
  id: string,
  value: unknown,
): string | null | Promise<string | null> {
  const schema = schemas?.[collection];
  if (!schema || value === undefined) return null;
  const where = `${collection}.${id}`;
  const read = (result: StandardSchemaV1.Result<unknown>): string | null => {
    if (result.issues) return failureText(where, result.issues);
    // What is stored is the document, not the schema's output: they must be the same.
    const at = firstDifference(value, result.value, id);
    if (at === null) return null;
    const field = at === '' ? 'the document' : at;
    return `schema of ${where}: ${field}: the schema's output differs from the document (it strips or changes this field); declare it in the schema, or make the schema keep it`;
  };
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = schema['~standard'].validate(value);
  } catch (error) {
    return `schema of ${where}: the validator threw (${error instanceof Error ? error.message : String(error)})`;
  }
  if (result instanceof Promise) {
    return result.then(read, (error: unknown) => `schema of ${where}: the validator threw (${error instanceof Error ? error.message : String(error)})`);
  }
  return read(result);
}
