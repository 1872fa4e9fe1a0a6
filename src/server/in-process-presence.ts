/**
 * Presence of in-process models (`server.createModel()`): the same awareness
 * as a socket client's, applied to the server's rooms directly. While in use
 * the presence holds its document subscribed, which makes the in-process
 * model a peer of the room; once joined it takes the room's current states
 * and sends mine. Leaving the room (release or close) removes my state there.
 */
import { PresenceBase } from '../model/presence/presence-base.ts';
import { PresenceRegistry } from '../model/presence/presence-registry.ts';
import type { PresenceState } from '../model/presence/presence.ts';
import type { DocRef } from '../model/documents/sync-port.ts';
import { AwarenessChannel } from '../protocol/awareness-channel.ts';
import { docName } from '../protocol/doc-name.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import type { ServerLog } from './server-log.ts';

/** What in-process presences need from their model's sync port. */
export interface InProcessPresenceTransport {
  /** The peer that joins rooms (the in-process sync port). */
  readonly peer: RoomPeer;
  readonly log: ServerLog;
  /** Holds a document subscribed (joining its room); resolves once it is in the model. */
  hold(ref: DocRef): Promise<void>;
  /** Releases a hold taken with `hold`. */
  release(ref: DocRef): void;
  /** The room joined for a document, or null while not joined. */
  roomOf(name: string): Room | null;
  /** True once the model was closed. */
  closed(): boolean;
}

/** The presence of one document of an in-process model. */
class InProcessPresence extends PresenceBase {
  readonly #ref: DocRef;
  readonly #name: string;
  readonly #transport: InProcessPresenceTransport;
  readonly #channel: AwarenessChannel;

  constructor(ref: DocRef, transport: InProcessPresenceTransport) {
    super(`${ref.collection}.${ref.id}`, transport.closed);
    this.#ref = ref;
    this.#name = docName(ref.collection, ref.id);
    this.#transport = transport;
    this.#channel = new AwarenessChannel({
      send: (update) => {
        const refused = this.#transport.roomOf(this.#name)?.applyAwareness(update, this.#transport.peer) ?? [];
        for (const refusal of refused) this.#transport.log('warn', `in-process presence of ${this.path}: ${refusal.message}`);
      },
      changed: () => this.peersChanged(this.#channel.states()),
    });
  }

  get clientId(): number {
    return this.#channel.clientId;
  }

  protected activate(): void {
    this.#transport.hold(this.#ref).then(
      () => this.joined(),
      (error: unknown) => {
        if (this.active && !this.closed) this.#transport.log('error', `in-process presence of ${this.path}: subscribing failed (${String(error)})`);
      },
    );
  }

  protected deactivate(): void {
    this.#channel.clearRemote();
    this.#transport.release(this.#ref);
  }

  protected publish(state: PresenceState | null): void {
    // Before the room is joined this goes nowhere; `joined` sends it then.
    this.#channel.setLocal(state);
  }

  /** The model (re)joined the document's room: take the room's states and send mine. */
  joined(): void {
    const room = this.#transport.roomOf(this.#name);
    if (!this.active || !room) return;
    const states = room.awarenessState();
    if (states) this.#channel.receive(states);
    this.#channel.resend();
  }

  /** An awareness update the room relayed (ignored while not in use). */
  receive(update: Uint8Array): void {
    if (!this.active) return;
    try {
      this.#channel.receive(update);
    } catch (error) {
      this.#transport.log('error', `in-process presence of ${this.path}: an awareness update could not be read (${String(error)})`);
    }
  }

  override close(): void {
    this.#channel.destroy();
    super.close();
  }
}

/** The presences of one in-process model, by document name. */
export class InProcessPresences extends PresenceRegistry<InProcessPresence> {
  constructor(transport: InProcessPresenceTransport) {
    super((ref) => new InProcessPresence(ref, transport));
  }

  /** The model joined a document's room. */
  joined(name: string): void {
    this.get(name)?.joined();
  }
}
