/**
 * Online / saving / offline, from `useSyncStatus()`: saving while the
 * connection is up and a change is not yet stored by the server.
 */
import { useSyncStatus } from 'yracer/react';
import { useHydrated } from './use-hydrated.ts';

type Status = 'online' | 'saving' | 'offline';

const LABELS: Record<Status, string> = { online: 'Online', saving: 'Saving…', offline: 'Offline' };

export function StatusBadge() {
  const { connection, pending } = useSyncStatus();
  // The server's render and the hydration pass show "connecting": the
  // browser's state is only known once it runs.
  const hydrated = useHydrated();
  const state = hydrated ? connection : 'connecting';
  const status: Status = state !== 'online' ? 'offline' : pending ? 'saving' : 'online';
  const label = state === 'connecting' ? 'Connecting…' : LABELS[status];
  return (
    <span className={`status status-${status}`} data-testid="status-badge" data-status={status} title={`connection: ${state}`}>
      <span className="status-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
