/**
 * `PresenceTab`: for each document whose presence the app opened, my state
 * and the other clients' states.
 */
import type { ReactNode } from 'react';
import type { Model } from '../model/model.ts';
import { openedPresences } from '../model/presence/presence-for.ts';
import { styles } from './devtools-styles.ts';

/** Lists the presences the app opened. */
export function PresenceTab({ model }: { readonly model: Model }): ReactNode {
  const presences = openedPresences(model.store);
  if (presences.length === 0) return <div style={styles.muted}>no presence in use</div>;
  return (
    <div>
      {presences.map(([path, presence]) => (
        <div key={path} style={{ marginBottom: 8 }}>
          <div>{path}</div>
          <pre style={styles.pre}>{JSON.stringify({ me: presence.me, others: presence.others().map((peer) => ({ clientId: peer.clientId, ...peer.state })) }, null, 2)}</pre>
        </div>
      ))}
    </div>
  );
}
