/**
 * The presences a sync port keeps, one per document, keyed by the
 * document's wire name (`collection/id`). The socket client and in-process
 * models each extend it with what their transport adds.
 */
import type { Presence } from './presence.ts';
import type { DocRef } from '../documents/sync-port.ts';

/** A presence as its registry drives it. */
export interface RegisteredPresence extends Presence {
  /** Takes the hold on the document again while in use (after the model released everything). */
  rehold(): void;
  /** An awareness update of the document's room arrived. */
  receive(update: Uint8Array): void;
  /** Sends my removal and stops. */
  close(): void;
}

/** Presences by document. */
export class PresenceRegistry<P extends RegisteredPresence> {
  readonly #byName = new Map<string, P>();
  readonly #create: (ref: DocRef) => P;

  /** `create` makes the presence of a document the first time it is asked for. */
  constructor(create: (ref: DocRef) => P) {
    this.#create = create;
  }

  /** The presence of a document (one per document). */
  open(ref: DocRef): Presence {
    const name = `${ref.collection}/${ref.id}`;
    let presence = this.#byName.get(name);
    if (!presence) {
      presence = this.#create(ref);
      this.#byName.set(name, presence);
    }
    return presence;
  }

  /** The presence of a document by wire name, if one was opened. */
  protected get(name: string): P | undefined {
    return this.#byName.get(name);
  }

  /** Every presence opened. */
  protected all(): IterableIterator<P> {
    return this.#byName.values();
  }

  /** The model released everything it held: presences in use hold their documents again. */
  reholdAll(): void {
    for (const presence of this.#byName.values()) presence.rehold();
  }

  /** Routes an awareness update to its document's presence. */
  receive(name: string, update: Uint8Array): void {
    this.#byName.get(name)?.receive(update);
  }

  /** The model closes: sends my removals and stops every presence. */
  close(): void {
    for (const presence of this.#byName.values()) presence.close();
    this.#byName.clear();
  }
}
