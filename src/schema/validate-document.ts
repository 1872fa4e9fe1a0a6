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
  const read = (result: StandardSchemaV1.Result<unknown>): string | null => (result.issues ? failureText(where, result.issues) : null);
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
