/**
 * `useModel(path?)`: the provider's model, or a model scoped at a path.
 */
import { useMemo } from 'react';
import type { Model } from '../model/model.ts';
import { useProvidedModel } from './sync-context.ts';

/**
 * The provider's model, scoped at `path` when given. It never re-renders the
 * component: use it to write (`$todo.set('done', true)`), and `useValue` or
 * `useDoc` to read.
 *
 * @example
 * const $todo = useModel(`todos.${id}`);
 * const toggle = () => $todo.set('done', !$todo.get('done'));
 */
export function useModel(path?: string): Model {
  const model = useProvidedModel('useModel');
  return useMemo(() => (path === undefined ? model : model.at(path)), [model, path]);
}
