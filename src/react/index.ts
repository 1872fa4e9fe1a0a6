/**
 * yracer/react: `SyncProvider` and the hooks, thin over the model's listeners
 * and immutable snapshots (`useSyncExternalStore`).
 */
export { SyncProvider, type SyncProviderProps } from './sync-provider.ts';
export { SyncContext } from './sync-context.ts';
export { useModel } from './use-model.ts';
export { useValue } from './use-value.ts';
export { useDoc, type UseDocOptions } from './use-doc.ts';
export { useQuery, useQueryIds, type QueryInfo, type UseQueryOptions } from './use-query.ts';
export { usePending, useSyncStatus, type SyncStatus } from './use-sync-status.ts';
