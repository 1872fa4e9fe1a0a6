/**
 * yracer/react: `SyncProvider` and the hooks, thin over the model's listeners
 * and immutable snapshots (`useSyncExternalStore`).
 *
 * The directive below marks the entry point as client code for React Server
 * Components (Next.js App Router): a server component may render
 * `<SyncProvider>` and pass it a bundle, and the hooks run in the browser.
 * It must stay the first statement (test/lint/client-entry-points.test.ts).
 */
'use client';

export { SyncProvider, type SyncProviderProps } from './sync-provider.ts';
export { SyncContext } from './sync-context.ts';
export { useModel } from './use-model.ts';
export { useConflicts, type ConflictsState } from './use-conflicts.ts';
export { useUndo, type UndoControls } from './use-undo.ts';
export { useValue } from './use-value.ts';
export { useDoc, type UseDocOptions } from './use-doc.ts';
export { useQuery, useQueryIds, type QueryInfo, type UseQueryOptions } from './use-query.ts';
export { useStart } from './use-start.ts';
export { useFilter, type UseFilterOptions } from './use-filter.ts';
export { createHooks, type TypedHooks } from './create-hooks.ts';
export { usePending, useSyncStatus, type SyncStatus } from './use-sync-status.ts';
export { PresenceRoom, PresenceRoomContext, type PresenceRoomProps } from './presence-room.ts';
export { usePresence, type PresenceAction } from './use-presence.ts';
export { useOthers } from './use-others.ts';
export { shallowEqual } from './shallow-equal.ts';
export { useHistory, type HistoryState } from './use-history.ts';
