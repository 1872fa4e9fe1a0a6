/**
 * Read rules after a subscription: a document a session could read when it
 * subscribed may become unreadable (a write changed its owner, say). With
 * read rules, everything a room sends a peer passes this gate: it waits for
 * the read rule's answer on the document's current value (asked again only
 * when the value changed), in order per document. Once the rule denies,
 * nothing more of the document is delivered and the peer is told to drop it.
 */
import type { AccessRules } from './access-rules.ts';
import type { Room } from './room.ts';
import type { ServerLog, Session } from './server-options.ts';

interface Gated {
  readonly room: Room;
  /** The value the verdict is about (a room's value is one object until it changes). */
  value: unknown;
  /** Null when readable, else why not. */
  verdict: Promise<string | null>;
  /** Deliveries of this document, in order. */
  chain: Promise<void>;
  revoked: boolean;
}

/** What the gate needs from its peer. */
export interface ReadGateOptions {
  readonly access: AccessRules;
  /** The peer's session. */
  readonly session: () => Session;
  /** The rule denied a document the peer holds: stop holding it (its room, its subscription) and tell the client. */
  readonly revoke: (room: Room, reason: string) => void;
  readonly log: ServerLog;
}

/** The read check of one peer's room payloads. */
export class ReadGate {
  readonly #options: ReadGateOptions;
  readonly #docs = new Map<string, Gated>();

  constructor(options: ReadGateOptions) {
    this.#options = options;
  }

  /** True when payloads need the gate (the server has read rules). */
  get active(): boolean {
    return this.#options.access.checksReads;
  }

  /** Records that the session may read the room's current value (checked when it subscribed). */
  admit(room: Room): void {
    if (!this.active) return;
    this.#docs.set(room.name, { room, value: room.value(), verdict: Promise.resolve(null), chain: Promise.resolve(), revoked: false });
  }

  /** Calls `deliver` once the read rule allows the room's current value; never when it denies. */
  pass(room: Room, deliver: () => void): void {
    if (!this.active) {
      deliver();
      return;
    }
    const value = room.value();
    let doc = this.#docs.get(room.name);
    if (!doc || doc.room !== room) {
      doc = { room, value, verdict: this.#check(room, value), chain: Promise.resolve(), revoked: false };
      this.#docs.set(room.name, doc);
    } else if (doc.value !== value) {
      doc.value = value;
      doc.verdict = this.#check(room, value);
    }
    const gated = doc;
    const verdict = doc.verdict;
    gated.chain = gated.chain.then(async () => {
      const denied = await verdict;
      if (gated.revoked || this.#docs.get(room.name) !== gated) return;
      if (denied === null) {
        deliver();
        return;
      }
      gated.revoked = true;
      this.#docs.delete(room.name);
      this.#options.revoke(room, denied);
    }).catch((error: unknown) => this.#options.log('error', `delivering ${room.name} failed (${String(error)})`));
  }

  /** Forgets a document the peer no longer holds. */
  forget(name: string): void {
    this.#docs.delete(name);
  }

  #check(room: Room, value: unknown): Promise<string | null> {
    return this.#options.access.canRead(this.#options.session(), room.key.collection, room.key.id, value);
  }
}
