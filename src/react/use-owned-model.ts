/**
 * `useOwnedModel(props)`: the model a `SyncProvider` given a `url` creates,
 * connects and closes. It exists while rendering (so the first render shows
 * the bundle's data), connects once mounted and closes once unmounted, and a
 * render React throws away or repeats leaves no second model behind:
 *
 * - the model is kept in a ref, created on the first render that finds it
 *   empty (React 19's `<StrictMode>` renders twice with the same hooks; a
 *   `useState` initializer would run twice and drop one model unclosed);
 * - a model no mounted provider took yet is kept by the props it was created
 *   for, so a render of the same element with fresh hooks (a first mount
 *   that suspended and is retried, React 18's `<StrictMode>` second render)
 *   takes it instead of creating another;
 * - mounted providers are counted per model, and the model closes a
 *   microtask after the count drops to 0: `<StrictMode>`'s simulated
 *   unmount and mount run in one go and keep it; a mount after it closed
 *   (an `<Activity>` shown again) creates a new one.
 */
import { useEffect, useReducer, useRef } from 'react';
import { createModel, type CreateModelOptions } from '../client/create-model.ts';
import type { Model } from '../model/model.ts';
import type { ModelBundle } from '../model/model-bundle.ts';

/** What the provider creates its model from (read when the model is created). */
export interface OwnedModelProps {
  /** The server's WebSocket URL. */
  readonly url: string;
  /** A bundle the model starts with. */
  readonly bundle?: ModelBundle | undefined;
  /** More options of `createModel`. */
  readonly options?: Omit<CreateModelOptions, 'url' | 'bundle' | 'connect'>;
}

/** Models created while rendering that no mounted provider took yet, by the props they were created for. */
const unclaimed = new WeakMap<OwnedModelProps, Model>();

/** How many mounted providers use each owned model. */
const users = new WeakMap<Model, number>();

/** A new model for `props`, not connected yet, kept for the next render of the same props until a mount takes it. */
function create(props: OwnedModelProps): Model {
  const model = createModel({ ...props.options, url: props.url, bundle: props.bundle, connect: false });
  unclaimed.set(props, model);
  return model;
}

/** Closes `model` unless a provider uses it again by the end of this task's microtasks. */
function release(model: Model): void {
  const count = users.get(model) ?? 0;
  users.set(model, count - 1);
  if (count > 1) return;
  queueMicrotask(() => {
    if (users.get(model) !== 0) return;
    users.delete(model);
    model.close();
  });
}

/**
 * The model a provider owns (null when `props` is null: the provider was
 * given a model). Created once while rendering, connected after mounting and
 * closed after the last provider using it unmounted.
 */
export function useOwnedModel(props: OwnedModelProps | null): Model | null {
  const owned = useRef<Model | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  if (props !== null && owned.current === null) owned.current = unclaimed.get(props) ?? create(props);
  const owning = props !== null;
  useEffect(() => {
    if (props === null || owned.current === null) return undefined;
    let model = owned.current;
    if (model.store.closed) {
      // Mounted again after the model closed (an <Activity> hidden, then shown): a new one.
      owned.current = model = create(props);
      rerender();
    }
    if (unclaimed.get(props) === model) unclaimed.delete(props);
    users.set(model, (users.get(model) ?? 0) + 1);
    model.connect();
    return () => release(model);
    // Only whether the provider owns a model matters: the model is created from the first props.
  }, [owning]);
  return owned.current;
}
