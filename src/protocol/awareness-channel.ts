/**
 * One client's side of a document's awareness (y-protocols), as both the
 * sync client and in-process models use it: my state goes out as awareness
 * updates about my client id only (never echoing others'), others' updates
 * come in, and the clock rules of y-protocols are kept across reconnects (a
 * state sent again gets a newer clock, so a server that dropped it takes it
 * back; others' states cleared locally are accepted again when re-sent).
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PayloadType } from './sync-payload.ts';

/** Origin of awareness updates received from the server. */
const REMOTE: unique symbol = Symbol('yracer:awareness-remote');

/** A `doc` payload asking the server for every awareness state of the document (y-websocket's query). */
export const QUERY_AWARENESS_PAYLOAD: Uint8Array = new Uint8Array([PayloadType.QueryAwareness]);

/** What an awareness channel needs from its transport. */
export interface AwarenessChannelHooks {
  /** Sends an awareness update (about my client id) to the server. */
  send(update: Uint8Array): void;
  /** Someone else's state was added, changed or removed. */
  changed(): void;
}

interface Changes {
  readonly added: readonly number[];
  readonly updated: readonly number[];
  readonly removed: readonly number[];
}

/** My awareness on one document, and what I know of the others'. */
export class AwarenessChannel {
  /** My awareness client id. */
  readonly clientId: number;
  readonly #doc = new Y.Doc();
  readonly #awareness: awarenessProtocol.Awareness;
  readonly #hooks: AwarenessChannelHooks;
  #destroyed = false;

  constructor(hooks: AwarenessChannelHooks) {
    this.#hooks = hooks;
    this.clientId = this.#doc.clientID;
    const awareness = new awarenessProtocol.Awareness(this.#doc);
    awareness.setLocalState(null);
    // Its timer renews my state and drops silent peers; it must not keep a Node process alive.
    (awareness._checkInterval as { unref?: () => void } | undefined)?.unref?.();
    awareness.on('update', ({ added, updated, removed }: Changes) => {
      // Every change of mine (set, renewal, a clock raised after a remote removal) goes out; others' never do.
      if (this.#destroyed) return;
      const me = this.clientId;
      if (added.includes(me) || updated.includes(me) || removed.includes(me)) {
        this.#hooks.send(awarenessProtocol.encodeAwarenessUpdate(awareness, [me]));
      }
    });
    awareness.on('change', ({ added, updated, removed }: Changes) => {
      if (this.#destroyed) return;
      const me = this.clientId;
      if ([...added, ...updated, ...removed].some((id) => id !== me)) this.#hooks.changed();
    });
    this.#awareness = awareness;
  }

  /** Everyone's current states by client id (mine included when set). */
  states(): ReadonlyMap<number, unknown> {
    return this.#awareness.getStates();
  }

  /** Sets my state (null: I left) and sends it. */
  setLocal(state: object | null): void {
    if (this.#destroyed || (state === null && this.#awareness.getLocalState() === null)) return;
    this.#awareness.setLocalState(state as Record<string, unknown> | null);
  }

  /** Applies an awareness update from the server; throws when it cannot be decoded. */
  receive(update: Uint8Array): void {
    if (this.#destroyed) return;
    awarenessProtocol.applyAwarenessUpdate(this.#awareness, update, REMOTE);
  }

  /** Sends my state again with a newer clock (after a reconnect or a rejoin), if I have one. */
  resend(): void {
    const state = this.#awareness.getLocalState();
    if (state !== null && !this.#destroyed) this.#awareness.setLocalState(state);
  }

  /** Forgets everyone else's state (the connection dropped, or I stopped listening); re-sent states are taken again. */
  clearRemote(): void {
    if (this.#destroyed) return;
    const me = this.clientId;
    const others = [...this.#awareness.getStates().keys()].filter((id) => id !== me);
    awarenessProtocol.removeAwarenessStates(this.#awareness, others, REMOTE);
    for (const id of [...this.#awareness.meta.keys()]) if (id !== me) this.#awareness.meta.delete(id);
  }

  /** Leaves (sends my removal when I was present) and stops. */
  destroy(): void {
    if (this.#destroyed) return;
    this.setLocal(null);
    this.#destroyed = true;
    this.#awareness.destroy();
    this.#doc.destroy();
  }
}
