/**
 * `ConflictsTab`: the conflicts waiting for a decision, with both values.
 */
import type { ReactNode } from 'react';
import type { Model } from '../model/model.ts';
import { styles } from './devtools-styles.ts';

/** Lists the model's open conflicts. */
export function ConflictsTab({ model }: { readonly model: Model }): ReactNode {
  const conflicts = model.conflicts();
  if (conflicts.length === 0) return <div style={styles.muted}>no conflicts</div>;
  return (
    <table style={styles.table}>
      <thead>
        <tr><th style={styles.cell}>path</th><th style={styles.cell}>mine</th><th style={styles.cell}>theirs</th><th style={styles.cell}>at</th></tr>
      </thead>
      <tbody>
        {conflicts.map((conflict) => (
          <tr key={conflict.id}>
            <td style={styles.cell}>{conflict.path}</td>
            <td style={styles.cell}>{JSON.stringify(conflict.mine)}</td>
            <td style={styles.cell}>{JSON.stringify(conflict.theirs)}</td>
            <td style={styles.cell}>{new Date(conflict.at).toLocaleTimeString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
