/**
 * `QueriesTab`: the model's live queries: expression, status and result ids.
 */
import type { ReactNode } from 'react';
import type { InspectedQuery } from './inspect-model.ts';
import { styles } from './devtools-styles.ts';

/** Lists the live queries. */
export function QueriesTab({ queries }: { readonly queries: readonly InspectedQuery[] }): ReactNode {
  if (queries.length === 0) return <div style={styles.muted}>no queries in use</div>;
  return (
    <table style={styles.table}>
      <thead>
        <tr><th style={styles.cell}>collection</th><th style={styles.cell}>expression</th><th style={styles.cell}>status</th><th style={styles.cell}>result ids</th></tr>
      </thead>
      <tbody>
        {queries.map((query) => {
          const expression = JSON.stringify(query.expression);
          return (
            <tr key={`${query.collection} ${expression}`} data-testid="yracer-devtools-query">
              <td style={styles.cell}>{query.collection}</td>
              <td style={styles.cell}>{expression}</td>
              <td style={styles.cell}>{query.status}</td>
              <td style={styles.cell}>{query.ids.length === 0 ? <span style={styles.muted}>none</span> : `${query.ids.length}: ${query.ids.join(', ')}`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
