/**
 * `DevtoolsPanel`: the devtools' panel, loaded lazily by `YracerDevtools`
 * when first opened: tabs for the documents, queries, connection, presence,
 * conflicts and hook renders of one model, kept current as it changes.
 */
import { useCallback, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Model } from '../model/model.ts';
import { ConflictsTab } from './conflicts-tab.tsx';
import { ConnectionTab } from './connection-tab.tsx';
import { DevtoolsRecorder } from './devtools-recorder.ts';
import { styles } from './devtools-styles.ts';
import { DocumentsTab } from './documents-tab.tsx';
import { inspectModel } from './inspect-model.ts';
import { PresenceTab } from './presence-tab.tsx';
import { QueriesTab } from './queries-tab.tsx';
import { RendersTab } from './renders-tab.tsx';

/** Props of `DevtoolsPanel`. */
export interface DevtoolsPanelProps {
  readonly model: Model;
  /** Closes the panel (the close button). */
  readonly onClose: () => void;
}

const TABS = ['Documents', 'Queries', 'Connection', 'Presence', 'Conflicts', 'Renders'] as const;
type Tab = (typeof TABS)[number];
const noSubscription = (): (() => void) => () => undefined;

/** The devtools' panel for `model` (see the file's comment). */
export default function DevtoolsPanel({ model, onClose }: DevtoolsPanelProps): ReactNode {
  const [recorder, setRecorder] = useState<DevtoolsRecorder | null>(null);
  const [tab, setTab] = useState<Tab>('Documents');
  // Created in an effect: recording starts when the panel is shown and stops when it goes.
  useEffect(() => {
    const created = new DevtoolsRecorder(model);
    setRecorder(created);
    return () => created.stop();
  }, [model]);
  const subscribe = useCallback((onChange: () => void) => recorder?.subscribe(onChange) ?? noSubscription(), [recorder]);
  useSyncExternalStore(subscribe, () => recorder?.version ?? 0, () => 0);
  if (!recorder) return null;
  const inspection = inspectModel(model);
  const counts: Partial<Record<Tab, number>> = {
    Documents: inspection.documents.length,
    Queries: inspection.queries.length,
    Conflicts: inspection.conflicts,
  };
  return (
    <section aria-label="yracer devtools" data-testid="yracer-devtools" style={styles.panel}>
      <div role="tablist" style={styles.tabs}>
        {TABS.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} style={tab === name ? styles.activeTab : styles.tab} onClick={() => setTab(name)}>
            {name}
            {counts[name] !== undefined ? ` (${counts[name]})` : ''}
          </button>
        ))}
        <span style={{ flex: 1 }} />
        <span style={styles.muted}>{inspection.connection.state}</span>
        <button type="button" aria-label="close devtools" style={styles.tab} onClick={onClose}>
          ✕
        </button>
      </div>
      <div role="tabpanel" style={styles.body}>
        {tab === 'Documents' ? <DocumentsTab model={model} recorder={recorder} documents={inspection.documents} /> : null}
        {tab === 'Queries' ? <QueriesTab queries={inspection.queries} /> : null}
        {tab === 'Connection' ? <ConnectionTab connection={inspection.connection} recorder={recorder} /> : null}
        {tab === 'Presence' ? <PresenceTab model={model} /> : null}
        {tab === 'Conflicts' ? <ConflictsTab model={model} /> : null}
        {tab === 'Renders' ? <RendersTab recorder={recorder} /> : null}
      </div>
    </section>
  );
}
