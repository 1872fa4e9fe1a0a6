/**
 * `useSyncStatus()` and `usePending(path)`: the connection and what is not yet stored.
 */
import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { ConnectionState } from '../model/documents/sync-port.ts';
import { useProvidedModel } from './sync-context.ts';

/** What `useSyncStatus` returns. */
export interface SyncStatus {
  /** `connecting`, `online` or `offline` (a model without a server is `offline`). */
  readonly connection: ConnectionState;
  /** True while a local change is not yet stored by the server. */
  readonly pending: boolean;
  /** How many documents have a local change not yet stored by the server (see `model.pendingCount()`). */
  readonly pendingCount: number;
  /** When every local change was last stored by the server (ms since the epoch), or null. */
  readonly lastSyncedAt: number | null;
}

/**
 * The model's sync status; re-renders when the connection state, `pending`,
 * `pendingCount` or `lastSyncedAt` changes. A server render (and hydration) shows
 * `connecting`: the browser's model connects once mounted.
 *
 * @example
 * const { connection, pending } = useSyncStatus();
 * const label = connection !== 'online' ? 'offline' : pending ? 'saving' : 'online';
 * const { pendingCount } = useSyncStatus(); // offline: "3 changes not saved yet"
 */
export function useSyncStatus(): SyncStatus {
  const model = useProvidedModel('useSyncStatus');
  const last = useRef<SyncStatus | null>(null);
  const subscribe = useCallback((onChange: () => void) => model.connection.watch(onChange), [model]);
  const read = (): SyncStatus => {
    const connection = model.connection;
    const next: SyncStatus = { connection: connection.state, pending: model.hasPending(), pendingCount: model.pendingCount(), lastSyncedAt: connection.lastSyncedAt };
    const previous = last.current;
    if (
      previous &&
      previous.connection === next.connection &&
      previous.pending === next.pending &&
      previous.pendingCount === next.pendingCount &&
      previous.lastSyncedAt === next.lastSyncedAt
    ) {
      return previous;
    }
    last.current = next;
    return next;
  };
  return useSyncExternalStore(subscribe, read, serverStatus);
}

/**
 * What the server renders and hydration starts from: the browser's model
 * has not connected yet, so any other value would not match its first render.
 */
const SERVER_STATUS: SyncStatus = Object.freeze({ connection: 'connecting', pending: false, pendingCount: 0, lastSyncedAt: null });
const serverStatus = (): SyncStatus => SERVER_STATUS;
const notPending = (): boolean => false;

/**
 * True while the document at or above `path` has a local change the server
 * has not stored yet; re-renders when that changes.
 *
 * @example
 * const saving = usePending(`todos.${id}`);
 */
export function usePending(path: string): boolean {
  const model = useProvidedModel('usePending');
  const subscribe = useCallback((onChange: () => void) => model.connection.watch(onChange), [model]);
  const read = (): boolean => model.hasPending(path);
  return useSyncExternalStore(subscribe, read, notPending);
}
