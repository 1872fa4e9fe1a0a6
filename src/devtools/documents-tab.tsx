/**
 * `DocumentsTab`: the model's documents (held how, pending writes, last
 * change), a filter, and the selected document's size and value, editable.
 */
import { useState, type ReactNode } from 'react';
import type { Model } from '../model/model.ts';
import type { DevtoolsRecorder } from './devtools-recorder.ts';
import { documentBytes, type InspectedDocument } from './inspect-model.ts';
import { styles } from './devtools-styles.ts';
import { ValueEditor } from './value-editor.tsx';

/** Props of `DocumentsTab`. */
export interface DocumentsTabProps {
  readonly model: Model;
  readonly recorder: DevtoolsRecorder;
  readonly documents: readonly InspectedDocument[];
}

const time = (at: number): string => new Date(at).toLocaleTimeString();

/** Lists the documents and shows the selected one (see the file's comment). */
export function DocumentsTab({ model, recorder, documents }: DocumentsTabProps): ReactNode {
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const shown = documents.filter((doc) => doc.path.includes(filter));
  const doc = documents.find((candidate) => candidate.path === selected);
  const last = doc ? recorder.lastChange(doc.path) : undefined;
  return (
    <div style={styles.split}>
      <div style={styles.list}>
        <input aria-label="filter documents" placeholder="filter" style={{ ...styles.input, width: '100%', marginBottom: 4 }} value={filter} onChange={(event) => setFilter(event.target.value)} />
        {shown.map((item) => (
          <button key={item.path} type="button" data-testid="yracer-devtools-document" style={item.path === selected ? styles.selectedRow : styles.row} onClick={() => setSelected(item.path)}>
            {item.path}
            <span style={styles.muted}>
              {item.local ? ' local' : item.held ? ` ${item.held}d` : ''}
              {item.pending ? ' pending' : ''}
              {item.exists ? '' : ' (none)'}
            </span>
          </button>
        ))}
        {shown.length === 0 ? <div style={styles.muted}>no documents</div> : null}
      </div>
      <div style={styles.detail}>
        {doc ? (
          <>
            <table style={styles.table}>
              <tbody>
                <tr><td style={styles.cell}>held</td><td style={styles.cell}>{doc.local ? 'local (never synced)' : (doc.held ?? 'not held')}</td></tr>
                <tr><td style={styles.cell}>pending</td><td style={styles.cell}>{doc.pending ? 'yes: not yet stored by the server' : 'no'}</td></tr>
                <tr><td style={styles.cell}>size</td><td style={styles.cell}>{documentBytes(model, doc.collection, doc.id)} bytes (Yjs state)</td></tr>
                <tr><td style={styles.cell}>last change</td><td style={styles.cell}>{last ? `${last.type} at ${last.path}, ${last.remote ? 'remote' : 'local'}, ${time(last.at)}` : 'none since devtools opened'}</td></tr>
              </tbody>
            </table>
            <ValueEditor key={doc.path} model={model} path={doc.path} />
          </>
        ) : (
          <div style={styles.muted}>select a document</div>
        )}
      </div>
    </div>
  );
}
