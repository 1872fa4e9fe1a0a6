/**
 * Connecting / online / saving / offline, from `useSyncStatus()` (the
 * model's connection state, and whether a move is not stored yet).
 */
import { useSyncStatus } from 'yracer/react';

type Status = 'connecting' | 'online' | 'saving' | 'offline';

const LABELS: Record<Status, string> = { connecting: 'Connecting…', online: 'Online', saving: 'Saving…', offline: 'Offline' };

export function RoomStatus() {
  const { connection, pending } = useSyncStatus();
  const status: Status = connection === 'online' ? (pending ? 'saving' : 'online') : connection;
  return (
    <span className={`status status-${status}`} data-testid="status" data-status={status} title={`connection: ${connection}`}>
      <span className="status-dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}
