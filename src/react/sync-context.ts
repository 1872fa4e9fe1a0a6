/**
 * The React context that carries the model from `SyncProvider` to the hooks.
 */
import { createContext, useContext } from 'react';
import type { Model } from '../model/model.ts';
import { noteRender } from './render-log.ts';

/** The model of the nearest `SyncProvider` (null outside one). */
export const SyncContext = createContext<Model | null>(null);

/**
 * The provider's model; throws an error naming the hook when there is no
 * provider. Notes the render in the render log (`key`: what the hook reads).
 */
export function useProvidedModel(hook: string, key = ''): Model {
  noteRender(hook, key);
  const model = useContext(SyncContext);
  if (!model) {
    throw new Error(`yracer ${hook}(): no model here. Wrap the component in <SyncProvider model={model}> or <SyncProvider url="ws://...">.`);
  }
  return model;
}

/** The pattern that hears every change at a path and below (and at the document above it). */
export function patternsFor(path: string): string[] {
  if (path === '') return ['**'];
  const segments = path.split('.');
  const patterns = [`${path}.**`];
  // A write that replaces or deletes the document (or a parent object) is reported at that level.
  for (let i = 2; i < segments.length; i++) patterns.push(segments.slice(0, i).join('.'));
  return patterns;
}

/** Listens for every event at `path`, below it and at its ancestors down from the document; returns the stop function. */
export function listen(model: Model, path: string, onChange: () => void): () => void {
  const listener = (): void => onChange();
  for (const pattern of patternsFor(path)) model.on('all', pattern, listener);
  return () => void model.removeListener(listener);
}
