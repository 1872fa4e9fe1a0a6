/**
 * Presence over the multiplexed socket: per document, a y-protocols
 * awareness whose updates travel in `doc` messages (docs/protocol.md,
 * "Presence"). While in use, a presence holds its document subscribed (the
 * server relays awareness to subscribers only) and asks the server for the
 * current states; after a reconnect it sends my state again with a newer
 * clock, and the server's answer to the re-subscribe brings the others back.
 * When the socket drops, the others are cleared (none are known while
 * offline); closing the model sends my removal before the socket closes.
 */
import { PresenceBase } from '../model/presence/presence-base.ts';
import { PresenceRegistry } from '../model/presence/presence-registry.ts';
import type { PresenceState } from '../model/presence/presence.ts';
import type { DocRef } from '../model/documents/sync-port.ts';
import { AwarenessChannel, QUERY_AWARENESS_PAYLOAD } from '../protocol/awareness-channel.ts';
import { docName } from '../protocol/doc-name.ts';
import { awarenessPayload } from '../protocol/sync-payload.ts';

/** What presences need from the sync client. */
export interface PresenceTransport {
  /** Holds a document subscribed (reference counted); resolves once the server sent it. */
  hold(ref: DocRef): Promise<void>;
  /** Releases a hold taken with `hold`. */
  release(ref: DocRef): void;
  /** Sends a y-protocols payload about a document (dropped while offline). */
  send(name: string, payload: Uint8Array): void;
  /** True once the model was closed. */
  closed(): boolean;
}

/** The presence of one document of a sync client's model. */
class ClientPresence extends PresenceBase {
  readonly #ref: DocRef;
  readonly #name: string;
  readonly #transport: PresenceTransport;
  readonly #channel: AwarenessChannel;

  constructor(ref: DocRef, transport: PresenceTransport) {
    super(`${ref.collection}.${ref.id}`, transport.closed);
    this.#ref = ref;
    this.#name = docName(ref.collection, ref.id);
    this.#transport = transport;
    this.#channel = new AwarenessChannel({
      send: (update) => this.#transport.send(this.#name, awarenessPayload(update)),
      changed: () => this.peersChanged(this.#channel.states()),
    });
  }

  get clientId(): number {
    return this.#channel.clientId;
  }

  protected activate(): void {
    this.#transport.hold(this.#ref).catch((error: unknown) => {
      if (this.active && !this.closed) console.error(`yracer: presence of ${this.path} could not subscribe to it`, error);
    });
    // The subscribe answer carries the states when the subscription is new; when it was live already, ask.
    this.#transport.send(this.#name, QUERY_AWARENESS_PAYLOAD);
  }

  protected deactivate(): void {
    this.#channel.clearRemote();
    this.#transport.release(this.#ref);
  }

  protected publish(state: PresenceState | null): void {
    this.#channel.setLocal(state);
  }

  /** An awareness update from the server (ignored while not in use: the states are asked for again on use). */
  receive(update: Uint8Array): void {
    if (!this.active) return;
    try {
      this.#channel.receive(update);
    } catch (error) {
      console.error(`yracer: an awareness update of ${this.path} could not be read`, error);
    }
  }

  /** The socket is open again (the document was re-subscribed just before): send my state again. */
  reconnected(): void {
    if (this.active) this.#channel.resend();
  }

  /** The socket dropped: nobody else's state is known any more. */
  dropped(): void {
    this.#channel.clearRemote();
  }

  override close(): void {
    this.#channel.destroy();
    super.close();
  }
}

/** The presences of one sync client, by document name. */
export class ClientPresences extends PresenceRegistry<ClientPresence> {
  constructor(transport: PresenceTransport) {
    super((ref) => new ClientPresence(ref, transport));
  }

  /** After a (re)connect, once the documents were subscribed again: sends every state of mine again. */
  reconnected(name?: string): void {
    if (name !== undefined) this.get(name)?.reconnected();
    else for (const presence of this.all()) presence.reconnected();
  }

  /** The socket dropped: clears everyone else's states. */
  dropped(): void {
    for (const presence of this.all()) presence.dropped();
  }
}
