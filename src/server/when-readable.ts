/**
 * A read check and what it allows, as one step: `then` runs in the same
 * synchronous step as the check that the document has not changed since the
 * read rule answered, so what `then` sends is exactly what the rule allowed,
 * even when the rule is async and writes land meanwhile.
 */
import type { AccessRules } from './access-rules.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Room } from './room.ts';
import type { Session } from './session.ts';

/** How often a read check starts again because the document changed while the rule ran. */
const READ_CHECK_ATTEMPTS = 5;

/**
 * Runs `then` once the session may read the room's current value (at once
 * without read rules) and resolves to null; or resolves to why not, without
 * running `then`. The room stays loaded while the rule runs, and its unload
 * clock restarts once the check ends (so callers need not touch a room they
 * were refused). A room closed meanwhile (unloaded or discarded) is not
 * handed to `then`: the answer says so.
 */
export async function whenReadable(
  access: AccessRules,
  registry: RoomRegistry,
  session: Session,
  room: Room,
  then: () => void,
): Promise<string | null> {
  if (!access.checksReads) {
    then();
    return null;
  }
  const { collection, id } = room.key;
  return registry.pinned(room, async () => {
    for (let attempt = 0; attempt < READ_CHECK_ATTEMPTS; attempt++) {
      const value = room.value();
      const denied = await access.canRead(session, collection, id, value);
      if (denied !== null) return denied;
      if (room.closed) return `${collection}.${id} was reloaded while its read rule ran; ask again`;
      if (room.value() === value) {
        then();
        return null;
      }
    }
    return `${collection}.${id} kept changing while rule ${collection}.read ran, so reading it is denied for now`;
  });
}
