/**
 * A room's presence: the y-protocols awareness of its document on the
 * server, and who may change which part of it.
 *
 * A connection owns an awareness client id in a room when it was the first
 * live connection to send a state for it; only the owner may change or
 * remove that state, and its states are removed when it leaves the room.
 * Entries about a client id another connection owns are dropped (stock
 * y-websocket providers relay every state they see, so that is normal for
 * them). The newest such entry of a connection waits: when the owner leaves,
 * a waiting state newer than the owner's takes over in one step (a client
 * that reconnected before the server noticed its old socket was gone).
 *
 * States are limited as the client limits them (MAX_PRESENCE_STATE_LENGTH
 * characters of JSON), per room (`maxBytes` of JSON in all), and per
 * connection (MAX_PRESENCE_IDS_PER_PEER client ids): a refused entry is
 * neither applied nor relayed.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { MAX_PRESENCE_STATE_LENGTH } from '../model/presence/presence-base.ts';
import { readAwarenessEntries, writeAwarenessEntries, type AwarenessEntry } from '../protocol/awareness-entries.ts';
import { ErrorCode } from '../protocol/error-code.ts';

/** Most awareness client ids one connection may own in one room (a client needs one). */
export const MAX_PRESENCE_IDS_PER_PEER = 8;

/** Default of the server option `maxPresenceBytesPerRoom`: 1 MiB of JSON. */
export const DEFAULT_MAX_PRESENCE_BYTES_PER_ROOM = 1024 * 1024;

/** Entries of an awareness update that were not applied, and why (one per kind of refusal). */
export interface PresenceRefusal {
  /** `not-yours`: another connection owns the client ids; `too-large`: over a limit. */
  readonly code: typeof ErrorCode.NotYours | typeof ErrorCode.TooLarge;
  /** The client ids whose entries were dropped. */
  readonly clientIds: readonly number[];
  /** What happened, naming the ids and the limit. */
  readonly message: string;
}

/** What a room's presence needs from its room. */
export interface RoomPresenceSettings<Peer> {
  /** The room's document (the awareness belongs to it). */
  readonly doc: Y.Doc;
  /** Most bytes of JSON all states of the room may hold together. */
  readonly maxBytes: number;
  /** True while `peer` is in the room (entries of others are ignored). */
  readonly isPeer: (peer: Peer) => boolean;
  /** Sends an awareness update that changed states to every peer (the sender included). */
  readonly relay: (update: Uint8Array) => void;
}

interface SizedEntry extends AwarenessEntry {
  /** Bytes of the state's JSON in UTF-8. */
  readonly bytes: number;
}

interface Claim<Peer> extends SizedEntry {
  readonly peer: Peer;
}

interface Seen {
  readonly clock: number;
  readonly present: boolean;
  readonly bytes: number;
}

/** The awareness of one room, its owners, and its limits. */
export class RoomPresence<Peer> {
  readonly #settings: RoomPresenceSettings<Peer>;
  #awareness: awarenessProtocol.Awareness | null = null;
  readonly #owners = new Map<number, Peer>();
  readonly #owned = new Map<Peer, Set<number>>();
  /** Per connection, its newest state about a client id another connection owns. */
  readonly #claims = new Map<Peer, Claim<Peer>>();
  readonly #bytes = new Map<number, number>();
  #total = 0;
  #destroyed = false;

  constructor(settings: RoomPresenceSettings<Peer>) {
    this.#settings = settings;
  }

  /**
   * Applies the entries of an awareness update that `from` may send, and
   * relays what changed; returns what was refused (empty when everything
   * was taken). Throws `ProtocolError`, having applied nothing, when the
   * update cannot be read. Entries that change nothing (an older clock, the
   * removal of an absent state) are ignored.
   */
  apply(update: Uint8Array, from: Peer): readonly PresenceRefusal[] {
    const entries = readAwarenessEntries(update);
    if (this.#destroyed || entries.length === 0 || !this.#settings.isPeer(from)) return [];
    const awareness = this.#instance();
    const foreign: number[] = [];
    const tooLarge: Array<{ readonly id: number; readonly reason: string }> = [];
    const accepted: SizedEntry[] = [];
    // What the entries accepted so far did (an update may name one client twice).
    const seen = new Map<number, Seen>();
    let total = this.#total;
    for (const entry of entries) {
      const id = entry.clientId;
      const now = seen.get(id) ?? { clock: awareness.meta.get(id)?.clock ?? 0, present: awareness.states.has(id), bytes: this.#bytes.get(id) ?? 0 };
      // y-protocols' rule: a newer clock, or a removal at the same clock.
      const applies = now.clock < entry.clock || (now.clock === entry.clock && entry.state === null && now.present);
      const sized: SizedEntry = { ...entry, bytes: Buffer.byteLength(entry.json) };
      const owner = this.#owners.get(id);
      if (owner !== undefined && owner !== from) {
        foreign.push(id);
        this.#wait(from, sized, applies);
        continue;
      }
      if (!applies || (entry.state === null && owner === undefined)) continue;
      if (entry.state !== null) {
        const reason = this.#overLimit(sized, from, owner === undefined, total - now.bytes);
        if (reason !== null) {
          tooLarge.push({ id, reason });
          continue;
        }
      }
      if (owner === undefined) this.#own(from, id);
      const present = entry.state !== null;
      accepted.push(sized);
      total += (present ? sized.bytes : 0) - now.bytes;
      seen.set(id, { clock: entry.clock, present, bytes: present ? sized.bytes : 0 });
    }
    if (accepted.length > 0) this.#applyEntries(awareness, accepted);
    return refusals(foreign, tooLarge);
  }

  /** How many clients have a state in the room (this process's and relayed ones). */
  get size(): number {
    return this.#awareness?.getStates().size ?? 0;
  }

  /** Every state of the room, as one awareness update (null when there are none). */
  state(): Uint8Array | null {
    const awareness = this.#awareness;
    if (!awareness || awareness.getStates().size === 0) return null;
    return awarenessProtocol.encodeAwarenessUpdate(awareness, [...awareness.getStates().keys()]);
  }

  /** The states whose owners `include` accepts, as one awareness update (null when there are none). */
  ownedState(include: (peer: Peer) => boolean): Uint8Array | null {
    const awareness = this.#awareness;
    if (!awareness) return null;
    const ids = [...this.#owners].filter(([id, peer]) => include(peer) && awareness.states.has(id)).map(([id]) => id);
    return ids.length === 0 ? null : awarenessProtocol.encodeAwarenessUpdate(awareness, ids);
  }

  /**
   * A peer left the room: its client ids are free, and their states are
   * removed, or replaced by a newer state another connection sent for them
   * meanwhile (which then owns the id).
   */
  leave(peer: Peer): void {
    this.#claims.delete(peer);
    const ids = this.#owned.get(peer);
    this.#owned.delete(peer);
    const awareness = this.#awareness;
    if (!ids || !awareness || this.#destroyed) return;
    const handovers: Array<Claim<Peer>> = [];
    const removed: number[] = [];
    for (const id of ids) {
      this.#owners.delete(id);
      const claim = this.#takeClaim(awareness, id);
      if (claim) handovers.push(claim);
      else if (awareness.states.has(id)) removed.push(id);
    }
    if (removed.length > 0) awarenessProtocol.removeAwarenessStates(awareness, removed, null);
    for (const claim of handovers) {
      const id = claim.clientId;
      if (this.#total - (this.#bytes.get(id) ?? 0) + claim.bytes > this.#settings.maxBytes) {
        if (awareness.states.has(id)) awarenessProtocol.removeAwarenessStates(awareness, [id], null);
        continue;
      }
      this.#own(claim.peer, id);
      this.#applyEntries(awareness, [claim]);
    }
  }

  /** Drops every state and stops (the room closed). */
  destroy(): void {
    this.#destroyed = true;
    this.#awareness?.destroy();
    this.#awareness = null;
    this.#owners.clear();
    this.#owned.clear();
    this.#claims.clear();
    this.#bytes.clear();
    this.#total = 0;
  }

  #instance(): awarenessProtocol.Awareness {
    if (this.#awareness) return this.#awareness;
    const awareness = new awarenessProtocol.Awareness(this.#settings.doc);
    awareness.setLocalState(null);
    // Its timer drops states not renewed for 30 s; it must not keep the process alive.
    (awareness._checkInterval as { unref?: () => void } | undefined)?.unref?.();
    awareness.on('update', ({ added, updated, removed }: AwarenessChanges) => {
      for (const id of removed) this.#setBytes(id, 0);
      this.#settings.relay(awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]));
    });
    this.#awareness = awareness;
    return awareness;
  }

  #applyEntries(awareness: awarenessProtocol.Awareness, entries: readonly SizedEntry[]): void {
    awarenessProtocol.applyAwarenessUpdate(awareness, writeAwarenessEntries(entries), null);
    // In order: the last entry about a client decides its size.
    for (const entry of entries) this.#setBytes(entry.clientId, awareness.states.has(entry.clientId) ? entry.bytes : 0);
  }

  #setBytes(id: number, bytes: number): void {
    this.#total += bytes - (this.#bytes.get(id) ?? 0);
    if (bytes > 0) this.#bytes.set(id, bytes);
    else this.#bytes.delete(id);
  }

  #own(peer: Peer, id: number): void {
    this.#owners.set(id, peer);
    let ids = this.#owned.get(peer);
    if (!ids) this.#owned.set(peer, (ids = new Set()));
    ids.add(id);
  }

  /** Why a state may not be applied (null: it may), given the bytes the other states hold. */
  #overLimit(entry: SizedEntry, from: Peer, claiming: boolean, others: number): string | null {
    const id = entry.clientId;
    if (entry.json.length > MAX_PRESENCE_STATE_LENGTH) {
      return `the state of client ${id} is ${entry.json.length} characters of JSON, more than the ${MAX_PRESENCE_STATE_LENGTH} a presence state may have`;
    }
    if (claiming && (this.#owned.get(from)?.size ?? 0) >= MAX_PRESENCE_IDS_PER_PEER) {
      return `client ${id} would be the connection's ${MAX_PRESENCE_IDS_PER_PEER + 1}th client id in this document, over the ${MAX_PRESENCE_IDS_PER_PEER} allowed`;
    }
    const max = this.#settings.maxBytes;
    if (others + entry.bytes > max) {
      return `the state of client ${id} (${entry.bytes} bytes) would take this document's presence over maxPresenceBytesPerRoom (${max} bytes, ${others} in use)`;
    }
    return null;
  }

  /** Keeps a connection's newest applicable state about a client id another connection owns (a removal withdraws it). */
  #wait(from: Peer, entry: SizedEntry, applies: boolean): void {
    if (entry.state === null) {
      if (this.#claims.get(from)?.clientId === entry.clientId) this.#claims.delete(from);
      return;
    }
    if (applies && entry.json.length <= MAX_PRESENCE_STATE_LENGTH) this.#claims.set(from, { ...entry, peer: from });
  }

  /** The newest waiting state about a freed client id that is newer than its last one (every claim on it is dropped). */
  #takeClaim(awareness: awarenessProtocol.Awareness, id: number): Claim<Peer> | null {
    const clock = awareness.meta.get(id)?.clock ?? 0;
    let best: Claim<Peer> | null = null;
    for (const [peer, claim] of this.#claims) {
      if (claim.clientId !== id) continue;
      this.#claims.delete(peer);
      if (claim.clock <= clock || (this.#owned.get(peer)?.size ?? 0) >= MAX_PRESENCE_IDS_PER_PEER) continue;
      if (!best || claim.clock > best.clock) best = claim;
    }
    return best;
  }
}

interface AwarenessChanges {
  readonly added: readonly number[];
  readonly updated: readonly number[];
  readonly removed: readonly number[];
}

/** Lists client ids for a message: `client 7`, `clients 7, 9`, at most 10 of them. */
function clients(ids: readonly number[]): string {
  const shown = ids.slice(0, 10).join(', ');
  return `${ids.length === 1 ? 'client' : 'clients'} ${shown}${ids.length > 10 ? ` and ${ids.length - 10} more` : ''}`;
}

/** The refusals of one update: one per kind, naming the client ids (and the limits). */
function refusals(foreign: readonly number[], tooLarge: ReadonlyArray<{ readonly id: number; readonly reason: string }>): PresenceRefusal[] {
  const out: PresenceRefusal[] = [];
  if (foreign.length > 0) {
    const ids = [...new Set(foreign)];
    out.push({
      code: ErrorCode.NotYours,
      clientIds: ids,
      message: `dropped the presence of ${clients(ids)}: another connection owns ${ids.length === 1 ? 'that client id' : 'those client ids'} in this document (a newer state sent here takes over once that connection leaves)`,
    });
  }
  if (tooLarge.length > 0) {
    const reasons = tooLarge.slice(0, 3).map((refused) => refused.reason);
    const more = tooLarge.length > 3 ? `; and ${tooLarge.length - 3} more` : '';
    out.push({ code: ErrorCode.TooLarge, clientIds: [...new Set(tooLarge.map((refused) => refused.id))], message: `not applied: ${reasons.join('; ')}${more}` });
  }
  return out;
}
