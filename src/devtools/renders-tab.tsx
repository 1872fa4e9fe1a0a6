/**
 * `RendersTab`: which yracer hooks rendered after the last change, and how
 * many times: a component listed here for a change it does not show reads
 * more than it needs.
 */
import type { ReactNode } from 'react';
import type { DevtoolsRecorder } from './devtools-recorder.ts';
import { styles } from './devtools-styles.ts';

/** Lists the hooks that rendered after the last change. */
export function RendersTab({ recorder }: { readonly recorder: DevtoolsRecorder }): ReactNode {
  const renders = recorder.renders();
  if (renders.length === 0) return <div style={styles.muted}>no hook rendered since the last change</div>;
  return (
    <table style={styles.table}>
      <thead>
        <tr><th style={styles.cell}>renders</th><th style={styles.cell}>hook</th><th style={styles.cell}>reads</th></tr>
      </thead>
      <tbody>
        {renders.map((render) => (
          <tr key={`${render.hook} ${render.key}`} data-testid="yracer-devtools-render">
            <td style={styles.cell}>{render.count}</td>
            <td style={styles.cell}>{render.hook}</td>
            <td style={styles.cell}>{render.key}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
