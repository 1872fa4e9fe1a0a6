/**
 * `ConnectionTab`: the connection's state, URL, error, reconnects and last
 * sync, and a log of the recent frames in and out with their kinds and sizes.
 */
import type { ReactNode } from 'react';
import type { DevtoolsRecorder } from './devtools-recorder.ts';
import type { ModelInspection } from './inspect-model.ts';
import { styles } from './devtools-styles.ts';

/** Props of `ConnectionTab`. */
export interface ConnectionTabProps {
  readonly connection: ModelInspection['connection'];
  readonly recorder: DevtoolsRecorder;
}

/** How many of the recorded frames the log shows (newest first). */
const SHOWN_FRAMES = 100;

/** Shows the connection and its recent frames. */
export function ConnectionTab({ connection, recorder }: ConnectionTabProps): ReactNode {
  const frames = recorder.frames().slice(-SHOWN_FRAMES).reverse();
  return (
    <div>
      <table style={styles.table}>
        <tbody>
          <tr><td style={styles.cell}>state</td><td style={styles.cell} data-testid="yracer-devtools-connection-state">{connection.state}</td></tr>
          <tr><td style={styles.cell}>url</td><td style={styles.cell}>{connection.url ?? 'none (a local model)'}</td></tr>
          <tr><td style={styles.cell}>error</td><td style={styles.cell}>{connection.error ?? 'none'}</td></tr>
          <tr><td style={styles.cell}>reconnects</td><td style={styles.cell}>{recorder.reconnects}</td></tr>
          <tr><td style={styles.cell}>last synced</td><td style={styles.cell}>{connection.lastSyncedAt ? new Date(connection.lastSyncedAt).toLocaleTimeString() : 'never'}</td></tr>
        </tbody>
      </table>
      <h4 style={{ margin: '8px 0 4px' }}>Recent frames</h4>
      {frames.length === 0 ? <div style={styles.muted}>none since devtools opened</div> : null}
      <table style={styles.table}>
        <tbody>
          {frames.map((frame, index) => (
            <tr key={frames.length - index} data-testid="yracer-devtools-frame">
              <td style={styles.cell}>{frame.direction === 'in' ? '⬇ in' : '⬆ out'}</td>
              <td style={styles.cell}>{frame.name}</td>
              <td style={styles.cell}>{frame.bytes} B</td>
              <td style={styles.cell}>{new Date(frame.at).toLocaleTimeString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
