/**
 * A todo's version history: the server's checkpoints of its document
 * (`useHistory`), newest first, each with its time, who wrote it and a
 * Restore button that writes that version back as a new change (the server's
 * rules check it like any edit, and every other client sees it at once).
 */
import { useState } from 'react';
import { useHistory } from 'yracer/react';

export interface TodoHistoryProps {
  readonly id: string;
}

const timeOf = (time: number): string => new Date(time).toLocaleTimeString();

export function TodoHistory({ id }: TodoHistoryProps) {
  const { checkpoints, error, loading, restore, snapshotAt } = useHistory('todos', id);
  const [titles, setTitles] = useState<ReadonlyMap<number, string>>(new Map());
  const [failure, setFailure] = useState<string | null>(null);
  const show = (checkpoint: number): void => {
    snapshotAt(checkpoint).then(
      (value) => setTitles((known) => new Map(known).set(checkpoint, (value as { title?: string } | undefined)?.title ?? '(deleted)')),
      (reason: unknown) => setFailure(String(reason)),
    );
  };
  const onRestore = (checkpoint: number): void => {
    setFailure(null);
    restore(checkpoint).catch((reason: unknown) => setFailure(reason instanceof Error ? reason.message : String(reason)));
  };
  if (error) return <p className="history-note" data-testid="history-error">{error.message}</p>;
  if (!checkpoints) return <p className="history-note">{loading ? 'Loading history…' : ''}</p>;
  if (checkpoints.length === 0) return <p className="history-note" data-testid="history-empty">No versions yet.</p>;
  return (
    <div className="history" data-testid="history">
      <ol className="history-list">
        {checkpoints.map((entry) => (
          <li key={entry.checkpoint} className="history-entry" data-testid="history-entry" data-checkpoint={entry.checkpoint}>
            <time dateTime={new Date(entry.time).toISOString()}>{timeOf(entry.time)}</time>
            <span className="history-users">{entry.users.join(', ') || 'server'}</span>
            <span className="history-title" data-testid="history-title">
              {titles.get(entry.checkpoint) ?? (
                <button type="button" className="link-button" onClick={() => show(entry.checkpoint)}>
                  show
                </button>
              )}
            </span>
            <button type="button" className="history-restore" data-testid="history-restore" onClick={() => onRestore(entry.checkpoint)}>
              Restore
            </button>
          </li>
        ))}
      </ol>
      {failure && <p className="history-note">{failure}</p>}
    </div>
  );
}
