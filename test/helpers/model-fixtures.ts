/** Small fixtures shared by the model tests. */
import { expect } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../src/index.ts';

/** A model holding `todos.a` = `doc`, and the list of events it emits from now on. */
export function recordedModel(doc: Record<string, unknown>): { model: Model; events: ModelEvent[] } {
  const model = createModel();
  model.set('todos.a', doc);
  const events: ModelEvent[] = [];
  model.on('all', (event) => {
    events.push(event);
  });
  return { model, events };
}

/** A local `change` event as the model emits it. */
export const changed = (path: string, value: unknown, previous: unknown): ModelEvent => ({
  type: 'change',
  path,
  value,
  previous,
  passed: {},
  remote: false,
});

/** Sends each model's whole state of the document to the other. */
export function syncBoth(x: Model, y: Model, path = 'todos.a'): void {
  Y.applyUpdate(y.yDoc(path), Y.encodeStateAsUpdate(x.yDoc(path)));
  Y.applyUpdate(x.yDoc(path), Y.encodeStateAsUpdate(y.yDoc(path)));
}

/** Two models holding the same copy of `todos.a`, created by the first. */
export function syncedPeers(doc: Record<string, unknown>): [Model, Model] {
  const a = createModel();
  const b = createModel();
  a.set('todos.a', doc);
  syncBoth(a, b);
  expect(b.get('todos.a')).toEqual(doc);
  return [a, b];
}
