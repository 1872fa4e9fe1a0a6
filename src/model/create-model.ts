/**
 * `createModel()`: the entry point. Without a URL the model is local: it
 * holds documents in memory and never syncs (a sync client comes with the
 * server).
 */
import { Model } from './model.ts';
import { ModelStore } from './model-store.ts';

/** Options of `createModel`. */
export interface CreateModelOptions {
  /**
   * Freeze snapshots so accidental mutation throws (in strict mode).
   * Default: true, unless `process.env.NODE_ENV` is `'production'`.
   */
  readonly freeze?: boolean;
}

function isProduction(): boolean {
  return typeof process !== 'undefined' && process.env?.['NODE_ENV'] === 'production';
}

/**
 * Creates a model.
 *
 * @example
 * const model = createModel();
 * model.add('todos', { title: 'Milk', done: false });
 */
export function createModel(options: CreateModelOptions = {}): Model {
  return new Model(new ModelStore({ freeze: options.freeze ?? !isProduction() }));
}
