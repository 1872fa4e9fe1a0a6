/**
 * Online / saving / offline, from `useSyncStatus()`: saving while the
 * connection is up and a change is not yet stored by the server. Offline it
 * says how many changes wait to be sent ("Offline, 3 changes not saved yet":
 * one per document changed, `pendingCount`).
 */
import { useSyncStatus } from 'yracer/react';
import { useHydrated } from './use-hydrated.ts';

type Status = 'online' | 'saving' | 'offline';

const LABELS: Record<Status, string> = { online: 'Online', saving: 'Saving…', offline: 'Offline' };

/** ", 3 changes not saved yet" (nothing when every change is saved). */
function unsaved(count: number): string {
  return count === 0 ? '' : `, ${count} ${count === 1 ? 'change' : 'changes'} not saved yet`;
}

export function StatusBadge() {
  const { connection, pending, pendingCount } = useSyncStatus();
  // The server's render and the hydration pass show "connecting": the
  // browser's state is only known once it runs.
  const hydrated = useHydrated();
  const state = hydrated ? connection : 'connecting';
  const status: Status = state !== 'online' ? 'offline' : pending ? 'saving' : 'online';
  const label = state === 'connecting' ? 'Connecting…' : LABELS[status] + (status === 'offline' ? unsaved(pendingCount) : '');
  return (
    <span className={`status status-${status}`} data-testid="status-badge" data-status={status} title={`connection: ${state}`}>
      <span className="status-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
