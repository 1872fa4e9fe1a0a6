/**
 * A client's update, checked against the server's rules and schema before
 * the room applies it. The check runs on a copy of the document; a refused
 * update is neither applied, stored nor relayed.
 */
import * as Y from 'yjs';
import { jsonEqual } from '../query/compare-values.ts';
import type { AccessRules } from './access-rules.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import type { Room, RoomPeer } from './room.ts';
import type { Session } from './server-options.ts';

/** True when the update has no struct the document lacks (it can only delete). */
function addsNothing(doc: Y.Doc, update: Uint8Array): boolean {
  const meta = Y.parseUpdateMeta(update);
  for (const [client, clock] of meta.to) if (clock > Y.getState(doc.store, client)) return false;
  return true;
}

/**
 * Applies a peer's update after checking it; resolves (once checked) to the
 * promise that the update is stored. Rejects with `AccessRefusedError` when
 * a rule or the schema refuses it, or `BadUpdateError` when it cannot be
 * applied; nothing of it was kept then. Checked writes of one room run one
 * at a time, so each is checked against the state it is applied to. An
 * update that changes nothing visible and adds no content (a resend, an
 * empty sync reply) passes without asking the rules.
 */
export async function receiveChecked(
  room: Room,
  update: Uint8Array,
  from: RoomPeer,
  session: Session,
  access: AccessRules,
): Promise<{ readonly stored: Promise<void> }> {
  if (!access.checksWrites) return { stored: room.receive(update, from) };
  return room.exclusive(async () => {
    const before = room.value();
    const after = room.preview(update);
    if (!(addsNothing(room.doc, update) && jsonEqual(before, after))) {
      const refusal = await access.checkWrite(session, room.key.collection, room.key.id, before, after);
      if (refusal) throw new AccessRefusedError(refusal);
    }
    return { stored: room.receive(update, from) };
  });
}
