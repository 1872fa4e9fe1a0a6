/**
 * Read rules after a subscription: a document a session could read when it
 * subscribed may become unreadable (a write changed its owner, say). With
 * read rules, everything a room sends a peer passes this gate: it waits for
 * the read rule's answer on the document's current value (asked again only
 * when the value changed), in order per document. Once the rule denies,
 * nothing more of the document is delivered and the peer is told to drop it.
 * When the answer for the current value is known (a synchronous rule, or an
 * earlier answer for the same value) and nothing of the document is still
 * waiting, the payload is delivered at once, in the same step.
 */
import type { AccessRules } from './access-rules.ts';
import type { Room } from './room.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';

interface Gated {
  readonly room: Room;
  /** The value the verdict is about (a room's value is one object until it changes). */
  value: unknown;
  /** Null when readable, else why not. */
  verdict: Promise<string | null>;
  /** The verdict for `value` once it is known (undefined while the rule has not answered). */
  known: string | null | undefined;
  /** Deliveries of this document, in order. */
  chain: Promise<void>;
  /** How many deliveries wait in `chain`. */
  waiting: number;
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
    this.#docs.set(room.name, { room, value: room.value(), verdict: Promise.resolve(null), known: null, chain: Promise.resolve(), waiting: 0, revoked: false });
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
      doc = { room, value, verdict: Promise.resolve(null), known: undefined, chain: Promise.resolve(), waiting: 0, revoked: false };
      this.#docs.set(room.name, doc);
      this.#judge(doc);
    } else if (doc.value !== value) {
      doc.value = value;
      this.#judge(doc);
    }
    const gated = doc;
    if (gated.waiting === 0 && gated.known !== undefined) {
      // Nothing of the document waits and the answer is known: deliver now.
      try {
        this.#settle(gated, gated.known, deliver);
      } catch (error) {
        this.#options.log('error', `delivering ${room.name} failed (${String(error)})`);
      }
      return;
    }
    const verdict = gated.verdict;
    gated.waiting++;
    gated.chain = gated.chain
      .then(async () => {
        try {
          this.#settle(gated, await verdict, deliver);
        } finally {
          gated.waiting--;
        }
      })
      .catch((error: unknown) => this.#options.log('error', `delivering ${room.name} failed (${String(error)})`));
  }

  /** Asks the read rule about the document's value now. */
  #judge(doc: Gated): void {
    const verdict = this.#options.access.readVerdict(this.#options.session(), doc.room.key.collection, doc.room.key.id, doc.value);
    if (typeof verdict === 'string' || verdict === null) {
      doc.known = verdict;
      doc.verdict = Promise.resolve(verdict);
      return;
    }
    doc.known = undefined;
    doc.verdict = verdict;
    void verdict.then((answer) => {
      if (doc.verdict === verdict) doc.known = answer;
    });
  }

  /** Delivers, or revokes the document when the rule denied it (once). */
  #settle(doc: Gated, denied: string | null, deliver: () => void): void {
    if (doc.revoked || this.#docs.get(doc.room.name) !== doc) return;
    if (denied === null) {
      deliver();
      return;
    }
    doc.revoked = true;
    this.#docs.delete(doc.room.name);
    this.#options.revoke(doc.room, denied);
  }

  /** Forgets a document the peer no longer holds. */
  forget(name: string): void {
    this.#docs.delete(name);
  }
}
