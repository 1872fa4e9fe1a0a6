/**
 * A client's update, checked against the server's rules and schema before
 * the room applies it. The check runs on a shadow copy of the document that
 * the room keeps in step (`Room.preview`, in proportion to the change); a refused
 * update is neither applied, stored nor relayed, or, for a stock y-websocket
 * client (`revertRefused`), applied and reverted at once so that none of its
 * content is kept (`Room.receiveReverted`).
 */
import * as Y from 'yjs';
import { jsonEqual } from '../query/compare-values.ts';
import { VersionConflictError } from '../storage/storage.ts';
import type { AccessRules } from './access-rules.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import { BadUpdateError } from './bad-update-error.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import type { Session } from './session.ts';

/** True when the update has no struct the document lacks (it can only delete). */
function addsNothing(doc: Y.Doc, update: Uint8Array): boolean {
  const meta = Y.parseUpdateMeta(update);
  for (const [client, clock] of meta.to) if (clock > Y.getState(doc.store, client)) return false;
  return true;
}

/** How many times a write is checked when other processes keep storing first (shared storage). */
const MAX_CHECK_ATTEMPTS = 8;

/** What became of a checked update. */
export interface CheckedWrite {
  /** Resolves once storage has it (the update, or with `revertRefused` its revert). */
  readonly stored: Promise<void>;
  /** With `revertRefused`: why the update was refused and reverted; null when it was taken. */
  readonly refused: AccessRefusedError | BadUpdateError | null;
}

/**
 * An update, or a function that makes it from the room's current state: it
 * is called where the check runs (with no other checked write in between,
 * again on each attempt), so what it reads of the room is what the update
 * is checked against and applied to. What it throws rejects the write.
 */
export type UpdateSource = Uint8Array | (() => Uint8Array);

/** Options of `receiveChecked`. */
export interface CheckOptions {
  /**
   * Apply and revert a refused update instead of throwing (stock clients,
   * whose later updates build on it); `refused` says why. An update that
   * cannot be integrated at all still throws `BadUpdateError`.
   */
  readonly revertRefused?: boolean;
}

/**
 * Applies a peer's update (`source`) after checking it; resolves (once checked) to the
 * promise that the update is stored. Rejects with `AccessRefusedError` when
 * a rule or the schema refuses it, or `BadUpdateError` when it cannot be
 * applied or holds what a document may not; nothing of it was kept then.
 * Checked writes of one room run one at a time, so each is checked against
 * the state it is applied to; with shared storage (`Room.shared`) it is
 * stored at the version it was checked against, and checked again when
 * another process stored first; when it cannot be stored (storage
 * failed, or `VersionConflictError` after a few tries), `stored` rejects
 * and nothing of it was applied. An update that changes nothing visible and
 * adds no content (a resend, an empty sync reply) passes without asking the
 * rules.
 */
export async function receiveChecked(
  room: Room,
  source: UpdateSource,
  from: RoomPeer,
  session: Session,
  access: AccessRules,
  options: CheckOptions = {},
): Promise<CheckedWrite> {
  const revert = options.revertRefused === true;
  const reverted = (update: Uint8Array, why: AccessRefusedError | BadUpdateError): CheckedWrite => ({ stored: room.receiveReverted(update, from), refused: why });
  const take = (update: Uint8Array): CheckedWrite => {
    try {
      const stored = room.receive(update, from);
      room.wrote(session);
      return { stored, refused: null };
    } catch (error) {
      if (revert && error instanceof BadUpdateError && error.integrable) return reverted(update, error);
      throw error;
    }
  };
  const made = (): Uint8Array => (typeof source === 'function' ? source() : source);
  if (!access.checksWrites) return take(made());
  return room.exclusive(async () => {
    // With shared storage another process may store first: then catch up, check again (bounded).
    for (let attempt = 1; ; attempt++) {
      const version = room.version;
      const update = made();
      let values: { readonly before: unknown; readonly after: unknown };
      try {
        values = room.preview(update);
      } catch (error) {
        if (revert && error instanceof BadUpdateError && error.integrable) return reverted(update, error);
        throw error;
      }
      const { before, after } = values;
      // Cheap: unchanged subtrees are shared, so the comparison stops at them.
      if (!(addsNothing(room.doc, update) && jsonEqual(before, after))) {
        let refusal: Awaited<ReturnType<AccessRules['checkWrite']>>;
        try {
          // A document whose schema migration failed takes no writes (document-migration.ts).
          const readOnly = room.readOnlyReason;
          refusal = readOnly !== null ? { code: 'invalid-document', message: readOnly } : await access.checkWrite(session, room.key.collection, room.key.id, before, after);
        } catch (error) {
          room.previewRefused();
          throw error;
        }
        if (refusal) {
          const error = new AccessRefusedError(refusal);
          // A stock client's revert keeps the preview's copy in step; otherwise it is rebuilt.
          if (revert) return reverted(update, error);
          room.previewRefused();
          throw error;
        }
      }
      if (!room.shared) {
        try {
          return take(update);
        } catch (error) {
          room.previewRefused();
          throw error;
        }
      }
      try {
        // Credited before: the store may take a history checkpoint as soon as it is stored.
        room.wrote(session);
        await room.receiveAt(update, from, version);
        return { stored: Promise.resolve(), refused: null };
      } catch (error) {
        room.previewRefused();
        // Not stored (storage failed, or other processes kept storing first): the writer is told so.
        if (!(error instanceof VersionConflictError) || attempt >= MAX_CHECK_ATTEMPTS) return { stored: Promise.reject(error as Error), refused: null };
        await room.catchUp();
      }
    }
  });
}
