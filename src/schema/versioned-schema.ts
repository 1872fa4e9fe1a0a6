/**
 * `versionedSchema(schema, { version, migrate })`: a collection's schema
 * with a version and the functions that bring documents of earlier versions
 * up to it. The server migrates a document lazily, when its room loads
 * (docs/access.md, "Migrations"); clients use the schema as any other.
 */
import type { StandardSchemaV1 } from './standard-schema.ts';

/**
 * A document's value as a migration sees it: the JSON value of the document
 * (without the model's top-level `id`, which the model adds on reads).
 */
export type MigrationValue = Readonly<Record<string, unknown>>;

/** Brings a document's value from the version before `n` to version `n` (`migrate[n]`); returns the new value. */
export type Migration = (value: MigrationValue) => MigrationValue;

/** A Standard Schema with a version and its migrations (what `versionedSchema` returns). */
export interface VersionedSchema<Input = unknown, Output = Input> extends StandardSchemaV1<Input, Output> {
  /** The version of the documents this schema validates: 1, 2, 3, ... */
  readonly version: number;
  /** `migrate[n]` turns a value of version `n - 1` into one of version `n`, for every `n` from 2 to `version`. */
  readonly migrate: Readonly<Record<number, Migration>>;
}

/** Options of `versionedSchema`. */
export interface VersionOptions {
  /** The version of the documents the schema validates (an integer, 1 or more). */
  readonly version: number;
  /** For every version `n` from 2 to `version`: the function from version `n - 1` to `n`. */
  readonly migrate?: Readonly<Record<number, Migration>>;
}

/**
 * Declares a schema's version and migrations. A document without a recorded
 * version counts as version 1. Throws a `TypeError` when `version` is not an
 * integer from 1 on, or a migration from 2 to `version` is missing or not a
 * function.
 *
 * @example
 * const schema = {
 *   todos: versionedSchema(z.object({ title: z.string(), done: z.boolean() }), {
 *     version: 2,
 *     migrate: { 2: (v1) => ({ title: v1.text, done: v1.done ?? false }) },
 *   }),
 * };
 */
export function versionedSchema<Input, Output>(schema: StandardSchemaV1<Input, Output>, options: VersionOptions): VersionedSchema<Input, Output> {
  const { version, migrate = {} } = options;
  if (!Number.isSafeInteger(version) || version < 1) throw new TypeError(`yracer versionedSchema: version must be an integer from 1 on, not ${String(version)}`);
  for (let n = 2; n <= version; n++) {
    if (typeof migrate[n] !== 'function') throw new TypeError(`yracer versionedSchema: migrate[${n}] (from version ${n - 1} to ${n}) must be a function`);
  }
  return { '~standard': schema['~standard'], version, migrate: { ...migrate } };
}

/** The schema's version and migrations when it has them (`versionedSchema`), else null. */
export function schemaVersioning(schema: StandardSchemaV1 | undefined): { readonly version: number; readonly migrate: Readonly<Record<number, Migration>> } | null {
  const candidate = schema as Partial<VersionedSchema> | undefined;
  if (!candidate || typeof candidate.version !== 'number' || typeof candidate.migrate !== 'object' || candidate.migrate === null) return null;
  return { version: candidate.version, migrate: candidate.migrate };
}
