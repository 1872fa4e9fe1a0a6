/**
 * `createLocalModel()`: a model without a server; documents live in memory.
 * `createModel()` (src/client) adds the sync client when given a URL.
 */
import { Model } from './model.ts';
import { ModelStore } from './documents/model-store.ts';
import type { SchemaMap } from '../schema/standard-schema.ts';
import { assertSchemaMap } from '../schema/validate-document.ts';

/** Options of a model, with or without a server. */
export interface LocalModelOptions {
  /**
   * Freeze snapshots so accidental mutation throws (in strict mode).
   * Default: true, unless `process.env.NODE_ENV` is `'production'`.
   */
  readonly freeze?: boolean;
  /**
   * Validators per collection (Standard Schema: zod 4, valibot, arktype),
   * the same map the server gets. A local write that makes a document
   * invalid throws a `TypeError` naming the field at once, and changes and
   * sends nothing. Async validators are left to the server.
   */
  readonly schema?: SchemaMap;
}

function isProduction(): boolean {
  return typeof process !== 'undefined' && process.env?.['NODE_ENV'] === 'production';
}

/** Creates a model without a server. */
export function createLocalModel(options: LocalModelOptions = {}): Model {
  if (options.schema !== undefined) assertSchemaMap(options.schema, 'yracer createModel()');
  return new Model(new ModelStore({ freeze: options.freeze ?? !isProduction(), schema: options.schema }));
}
