/**
 * `SyncProvider`: makes a model available to the hooks below it.
 */
import { createElement, useEffect, useState, type ReactNode } from 'react';
import { createModel, type CreateModelOptions } from '../client/create-model.ts';
import type { Model } from '../model/model.ts';
import type { ModelBundle } from '../model/model-bundle.ts';
import { SyncContext } from './sync-context.ts';

/** Props of `SyncProvider`: a model you own, or a server URL (and bundle) for a model the provider owns. */
export type SyncProviderProps =
  | {
      /** The model (you create it, you close it). */
      readonly model: Model;
      readonly children?: ReactNode;
    }
  | {
      /** The server's WebSocket URL: the provider creates a model, connects it once mounted and closes it on unmount. */
      readonly url: string;
      /** What `model.bundle()` returned on the server (server-side rendering): the model starts with it. */
      readonly bundle?: ModelBundle | undefined;
      /** More options of `createModel` (token, WebSocket, backoff...). Read once, when the model is created. */
      readonly options?: Omit<CreateModelOptions, 'url' | 'bundle' | 'connect'>;
      readonly children?: ReactNode;
    };

/**
 * Provides a model to the hooks below it. Given a `url` it creates the model
 * once (from `bundle` when given, so a hydrated page shows the server's data
 * at once), opens its connection after mounting and closes it on unmount;
 * safe under `<StrictMode>`.
 *
 * @example
 * <SyncProvider url="ws://localhost:3000/sync" bundle={window.__BUNDLE__}><App /></SyncProvider>
 */
export function SyncProvider(props: SyncProviderProps): ReactNode {
  const given = 'model' in props ? props.model : null;
  const [owned] = useState(() => {
    if ('model' in props) return null;
    return createModel({ ...props.options, url: props.url, bundle: props.bundle, connect: false });
  });
  useEffect(() => {
    if (!owned) return;
    const pending = closing.get(owned);
    if (pending !== undefined) clearTimeout(pending);
    closing.delete(owned);
    owned.connect();
    return () => {
      // StrictMode unmounts and mounts again at once: close only if no mount follows.
      closing.set(
        owned,
        setTimeout(() => {
          closing.delete(owned);
          owned.close();
        }, 0),
      );
    };
  }, [owned]);
  const model = given ?? (owned as Model);
  return createElement(SyncContext.Provider, { value: model }, props.children);
}

const closing = new WeakMap<Model, ReturnType<typeof setTimeout>>();
