/**
 * `RoomPeer`: something in a room that receives its messages (a multiplexed
 * or a stock connection, an in-process model, another process's stand-in),
 * and `PeerRoom`, the room as the peer interface names it. Declared apart
 * from room.ts so that the room's parts (intake, awareness, remote
 * presences) can name peers without importing the room.
 */
import type { StorageKey } from '../storage/storage.ts';
import type { Session } from './session.ts';

/** The room a peer hears from: a `Room` (room.ts); peers declare the parameter as `Room`. */
export interface PeerRoom {
  readonly name: string;
  readonly key: StorageKey;
}

/** Something in a room that receives its messages: a multiplexed or a stock connection. */
export interface RoomPeer {
  /** Sends a y-protocols payload about `room`'s document. */
  sendPayload(room: PeerRoom, payload: Uint8Array): void;
  /** The room was discarded (its in-memory document was damaged): subscribe again to get a fresh one. */
  roomLost(room: PeerRoom): void;
  /** The session the peer writes for (from `authenticate`; none for the server's own writes), told to the change hooks. */
  readonly session?: Session | null | undefined;
}
