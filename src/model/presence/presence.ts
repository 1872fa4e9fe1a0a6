/**
 * Presence (awareness): what each client currently shares about itself on a
 * document, such as a name, a cursor or a selection. Nothing of it is stored;
 * it lives while the client is there. `model.at('rooms.r1').presence` returns
 * the document's `Presence`; a sync port provides one that reaches the other
 * clients (y-protocols awareness over the socket), a model without a server a
 * local one whose `others()` is always empty.
 */
import type { JsonValue } from '../paths/json-value.ts';

/** A presence state: a JSON object (at most `MAX_PRESENCE_STATE_LENGTH` characters of JSON). */
export type PresenceState = { readonly [key: string]: JsonValue };

/** Another client present on the same document, with what it shares. */
export interface PresencePeer<S extends object = PresenceState> {
  /** Its awareness client id (unique per client and document while it is there). */
  readonly clientId: number;
  /** Its state (frozen; the same object while it does not change). */
  readonly state: S;
}

/** A partial state for `Presence.update`: the keys given replace mine; a key given as `undefined` is removed. */
export type PresenceUpdate<S extends object> = { readonly [K in keyof S]?: S[K] | undefined };

/**
 * The presence of one document: my state, the other clients' states, and
 * change notification.
 *
 * While my state is set or a listener is subscribed, the presence holds the
 * document subscribed (the server relays presence only to subscribers);
 * afterwards it releases it. Other clients see my state until I `set(null)`,
 * close the model, or my connection ends; a client whose connection drops is
 * shown again once it reconnects. While this client is offline `others()` is
 * empty.
 *
 * @example
 * const presence = model.at('rooms.r1').presence;
 * presence.set({ name: 'Ada', cursor: null });
 * const stop = presence.subscribe(() => render(presence.others()));
 * presence.update({ cursor: { x: 10, y: 20 } });
 */
export interface Presence<S extends object = PresenceState> {
  /** The document's path (`collection.docId`). */
  readonly path: string;
  /** My awareness client id on this document (what others see as `clientId`). */
  readonly clientId: number;
  /** My state (frozen), or null while I am not present. */
  readonly me: S | null;
  /**
   * Replaces my state (a plain JSON object); `null` leaves (also after the
   * model closed, when it does nothing). A state that is
   * not a plain JSON object, or is longer than `MAX_PRESENCE_STATE_LENGTH`
   * characters of JSON, is a `TypeError` or `RangeError` naming the problem.
   */
  set(state: S | null): void;
  /** Merges keys into my state (starting from `{}` when I am not present); `undefined` removes a key. */
  update(partial: PresenceUpdate<S>): void;
  /** The other clients present, in the order they arrived; the same array while nothing changed. */
  others(): readonly PresencePeer<S>[];
  /** Calls `listener` whenever my state or the others change; returns a function that stops it. */
  subscribe(listener: () => void): () => void;
}
