/**
 * `createLocalModel()`: a model without a server; documents live in memory.
 * `createModel()` (src/client) adds the sync client when given a URL.
 */
import { Model } from './model.ts';
import { ModelStore } from './model-store.ts';

/** Options of a model, with or without a server. */
export interface LocalModelOptions {
  /**
   * Freeze snapshots so accidental mutation throws (in strict mode).
   * Default: true, unless `process.env.NODE_ENV` is `'production'`.
   */
  readonly freeze?: boolean;
}

function isProduction(): boolean {
  return typeof process !== 'undefined' && process.env?.['NODE_ENV'] === 'production';
}

/** Creates a model without a server. */
export function createLocalModel(options: LocalModelOptions = {}): Model {
  return new Model(new ModelStore({ freeze: options.freeze ?? !isProduction() }));
}
