/**
 * `SyncProvider`: makes a model available to the hooks below it.
 */
import { createElement, type ReactNode } from 'react';
import type { CreateModelOptions } from '../client/create-model.ts';
import type { Model } from '../model/model.ts';
import type { ModelBundle } from '../model/model-bundle.ts';
import { SyncContext } from './sync-context.ts';
import { useOwnedModel } from './use-owned-model.ts';

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
 * under `<StrictMode>` it creates one model and keeps it through the
 * simulated remount.
 *
 * @example
 * <SyncProvider url="ws://localhost:3000/sync" bundle={window.__BUNDLE__}><App /></SyncProvider>
 */
export function SyncProvider(props: SyncProviderProps): ReactNode {
  const owned = useOwnedModel('model' in props ? null : props);
  const model = 'model' in props ? props.model : (owned as Model);
  return createElement(SyncContext.Provider, { value: model }, props.children);
}
