/**
 * `RemotePresences`: the other server processes' clients in a room's
 * presence. Each process is a stand-in peer that owns the awareness client
 * ids its clients use, as a connection owns its own (room-presence.ts).
 * A process that stops relaying for `timeoutMs` (its clients renew their
 * states every 15 s, so a live process relays at least that often while it
 * has any) leaves: its states are removed, and clients that moved to this
 * process take their ids over, as y-protocols expires a silent client.
 */
import type { RoomPeer } from './room-peer.ts';

/** How long a process may stay silent before its clients' states are dropped, in ms (y-protocols' outdated timeout). */
export const REMOTE_PRESENCE_TIMEOUT_MS = 30_000;

/** What the stand-ins act on: the room's presence. */
export interface RemotePresenceTarget {
  /** Applies an awareness update for a peer. */
  apply(update: Uint8Array, from: RoomPeer): void;
  /** A peer left: its states go. */
  leave(peer: RoomPeer): void;
}

/** The stand-in peers of other processes in one room. */
export class RemotePresences {
  readonly #target: RemotePresenceTarget;
  readonly #timeoutMs: number;
  readonly #processes = new Map<string, { readonly peer: RoomPeer; timer: ReturnType<typeof setTimeout> | null }>();
  readonly #peers = new Set<RoomPeer>();
  #applying = false;

  constructor(target: RemotePresenceTarget, timeoutMs = REMOTE_PRESENCE_TIMEOUT_MS) {
    this.#target = target;
    this.#timeoutMs = timeoutMs;
  }

  /** True for a stand-in peer (a presence peer of the room that is not a connection). */
  has(peer: RoomPeer): boolean {
    return this.#peers.has(peer);
  }

  /** True while a remote change is being applied (it is not relayed to other processes again). */
  get applying(): boolean {
    return this.#applying;
  }

  /** Applies what another process relayed for its clients. */
  apply(process: string, update: Uint8Array): void {
    let remote = this.#processes.get(process);
    if (!remote) {
      const peer: RoomPeer = { sendPayload: () => undefined, roomLost: () => undefined };
      remote = { peer, timer: null };
      this.#processes.set(process, remote);
      this.#peers.add(peer);
    }
    if (remote.timer !== null) clearTimeout(remote.timer);
    remote.timer = setTimeout(() => this.#expire(process), this.#timeoutMs);
    remote.timer.unref?.();
    this.#applying = true;
    try {
      this.#target.apply(update, remote.peer);
    } finally {
      this.#applying = false;
    }
  }

  #expire(process: string): void {
    const remote = this.#processes.get(process);
    if (!remote) return;
    this.#processes.delete(process);
    this.#applying = true;
    try {
      this.#target.leave(remote.peer);
    } finally {
      this.#applying = false;
      this.#peers.delete(remote.peer);
    }
  }

  /** Stops every timer (the room closed). */
  destroy(): void {
    for (const remote of this.#processes.values()) if (remote.timer !== null) clearTimeout(remote.timer);
    this.#processes.clear();
    this.#peers.clear();
  }
}
