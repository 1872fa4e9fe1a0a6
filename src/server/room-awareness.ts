/**
 * `RoomAwareness`: a room's presence as its room sees it: the states and
 * owners of its own connections (`RoomPresence`, created on first use: most
 * rooms never have any) and of other server processes' clients
 * (`RemotePresences`). A change is sent to every connection of the room,
 * and, when this process's clients made it, relayed to the other processes.
 */
import type * as Y from 'yjs';
import { awarenessPayload } from '../protocol/sync-payload.ts';
import { RemotePresences } from './remote-presences.ts';
import { DEFAULT_MAX_PRESENCE_BYTES_PER_ROOM, RoomPresence, type PresenceRefusal } from './room-presence.ts';
import type { PeerRoom, RoomPeer } from './room-peer.ts';
import type { RoomSettings } from './room-settings.ts';
import type { ServerLog } from './server-log.ts';

/** What a room's awareness needs from its room. */
export interface RoomAwarenessSettings {
  readonly name: string;
  readonly doc: Y.Doc;
  readonly peers: ReadonlySet<RoomPeer>;
  readonly maxBytes: number;
  readonly log: ServerLog;
  /** Sends an awareness payload to a connection of the room. */
  readonly send: (peer: RoomPeer, payload: Uint8Array) => void;
  /** Relays a change this process's clients made to the other processes. */
  readonly relay?: (update: Uint8Array) => void;
}

/** The presence of one room. */
export class RoomAwareness {
  readonly #settings: RoomAwarenessSettings;
  #presence: RoomPresence<RoomPeer> | null = null;
  #remotes: RemotePresences | null = null;

  constructor(settings: RoomAwarenessSettings) {
    this.#settings = settings;
  }

  /** The presence of `room`, within `settings.maxPresenceBytesPerRoom`, relayed through `settings.onAwareness`. */
  static forRoom<R extends PeerRoom & { readonly doc: Y.Doc; readonly peers: ReadonlySet<RoomPeer> }>(room: R, settings: RoomSettings<R>): RoomAwareness {
    return new RoomAwareness({
      name: room.name,
      doc: room.doc,
      peers: room.peers,
      maxBytes: settings.maxPresenceBytesPerRoom ?? DEFAULT_MAX_PRESENCE_BYTES_PER_ROOM,
      log: settings.log,
      send: (peer, payload) => peer.sendPayload(room, payload),
      relay: (update) => settings.onAwareness?.(room, update),
    });
  }

  #presenceOf(): RoomPresence<RoomPeer> {
    const settings = this.#settings;
    this.#presence ??= new RoomPresence<RoomPeer>({
      doc: settings.doc,
      maxBytes: settings.maxBytes,
      isPeer: (peer) => settings.peers.has(peer) || this.#remotes?.has(peer) === true,
      relay: (update) => {
        const payload = awarenessPayload(update);
        for (const peer of settings.peers) settings.send(peer, payload);
        if (!this.#remotes?.applying) settings.relay?.(update);
      },
    });
    return this.#presence;
  }

  /** See `Room.applyAwareness`. */
  apply(update: Uint8Array, from: RoomPeer): readonly PresenceRefusal[] {
    return this.#presenceOf().apply(update, from);
  }

  /** See `Room.applyRemoteAwareness`. */
  applyRemote(process: string, update: Uint8Array): void {
    this.#remotes ??= new RemotePresences({
      apply: (relayed, from) => {
        try {
          this.#presenceOf().apply(relayed, from);
        } catch (error) {
          this.#settings.log('warn', `room ${this.#settings.name}: an unreadable presence relay was ignored (${String(error)})`);
        }
      },
      leave: (peer) => this.#presence?.leave(peer),
    });
    this.#remotes.apply(process, update);
  }

  /** A connection left: the client ids it owned are free. */
  leave(peer: RoomPeer): void {
    this.#presence?.leave(peer);
  }

  /** The states of this process's own clients, as one awareness update (null when there are none). */
  localState(): Uint8Array | null {
    return this.#presence?.ownedState((peer) => this.#remotes?.has(peer) !== true) ?? null;
  }

  /** How many clients have a state in the room. */
  get size(): number {
    return this.#presence?.size ?? 0;
  }

  /** Every state, as one awareness update (null when there are none). */
  state(): Uint8Array | null {
    return this.#presence?.state() ?? null;
  }

  /** Drops every state and timer (the room closed). */
  destroy(): void {
    this.#remotes?.destroy();
    this.#presence?.destroy();
  }
}
