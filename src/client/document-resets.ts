/**
 * Returning a document to the server's state after the server refused one of
 * this client's writes to it (a rule or the schema said no).
 *
 * The refused update is in the client's Yjs document, and every later update
 * of the same Yjs client builds on it, so the server would refuse those too.
 * So the client fetches the document's full state from the server, builds a
 * new Yjs document (a new client id) from it and swaps it in; meanwhile it
 * ignores the server's answers to the old document's writes, sends nothing
 * of it, and keeps the old document visible. Once swapped, the refused write
 * and the writes made on top of it fail (their callbacks, and
 * `whenNothingPending()`, get the error), the model emits `error`, and new
 * writes sync as usual.
 */
import * as Y from 'yjs';
import { SubscribeMode, subscribeMessage } from '../protocol/subscribe-message.ts';
import type { SyncError } from './sync-error.ts';

const EMPTY_STATE_VECTOR = new Uint8Array([0]);

/** What a reset needs from its sync client. */
export interface ResetHost {
  /** Sends a frame (queued while offline). */
  send(frame: Uint8Array): void;
  /** A new request id. */
  nextRequest(): number;
  /** The newest pending sequence number of a document (0 when none). */
  latestSeq(doc: string): number;
  /** Swaps in the server's state and fails the document's pending writes (`refused` gets `error`). */
  finish(doc: string, state: Uint8Array, refused: number, error: SyncError): void;
}

interface Reset {
  /** The server's state, gathered from what it sends about the document. */
  readonly server: Y.Doc;
  /** The refused update and its error. */
  readonly seq: number;
  readonly error: SyncError;
  /** Answers to writes up to this number are about the old document: ignored. */
  floor: number;
  request: number;
}

/** The resets in progress of one sync client. */
export class DocumentResets {
  readonly #host: ResetHost;
  readonly #resets = new Map<string, Reset>();
  readonly #byRequest = new Map<number, string>();
  /** Per document reset before, the newest write number of the document it replaced. */
  readonly #replaced = new Map<string, number>();

  constructor(host: ResetHost) {
    this.#host = host;
  }

  /** True while a document is being reset (its writes are not sent; what the server sends is gathered). */
  has(doc: string): boolean {
    return this.#resets.has(doc);
  }

  /** Starts returning `doc` to the server's state (write `seq` was refused with `error`). */
  start(doc: string, seq: number, error: SyncError): void {
    const known = this.#resets.get(doc);
    if (known) {
      known.floor = Math.max(known.floor, this.#host.latestSeq(doc));
      return;
    }
    const reset: Reset = { server: new Y.Doc({ guid: doc }), seq, error, floor: Math.max(seq, this.#host.latestSeq(doc)), request: 0 };
    this.#resets.set(doc, reset);
    this.#ask(doc, reset);
  }

  #ask(doc: string, reset: Reset): void {
    this.#byRequest.delete(reset.request);
    reset.request = this.#host.nextRequest();
    this.#byRequest.set(reset.request, doc);
    this.#host.send(
      subscribeMessage.encode({ request: reset.request, doc, mode: SubscribeMode.Fetch, stateVector: EMPTY_STATE_VECTOR }),
    );
  }

  /**
   * True when an answer (ack or error) to write `seq` of `doc` is about the
   * Yjs document a reset replaces (or replaced): the client has failed, or
   * will fail, that write itself.
   */
  ignores(doc: string, seq: number): boolean {
    const floor = this.#resets.get(doc)?.floor ?? this.#replaced.get(doc);
    return floor !== undefined && seq <= floor;
  }

  /** Gathers a state or update the server sent about a document being reset; false when it is not. */
  gather(doc: string, update: Uint8Array): boolean {
    const reset = this.#resets.get(doc);
    if (!reset) return false;
    try {
      Y.applyUpdate(reset.server, update);
    } catch {
      // A damaged payload: the full state asked for still comes.
    }
    return true;
  }

  /** The server answered a request; true when it was a reset's (then the reset is done). */
  answered(request: number, refusal?: SyncError): boolean {
    const doc = this.#byRequest.get(request);
    if (doc === undefined) return false;
    this.#byRequest.delete(request);
    const reset = this.#resets.get(doc);
    if (!reset) return true;
    this.#resets.delete(doc);
    // The session may no longer read it: nothing of the server's state is known, so the document empties.
    const state = refusal ? Y.encodeStateAsUpdate(new Y.Doc()) : Y.encodeStateAsUpdate(reset.server);
    reset.server.destroy();
    // Answers to the old document's writes that are still on their way are dropped.
    this.#replaced.set(doc, reset.floor);
    this.#host.finish(doc, state, reset.seq, reset.error);
    return true;
  }

  /** After a reconnect: asks again for the state of every document being reset. */
  resendAll(): void {
    for (const [doc, reset] of this.#resets) {
      reset.server.destroy();
      const fresh: Reset = { ...reset, server: new Y.Doc({ guid: doc }) };
      this.#resets.set(doc, fresh);
      this.#ask(doc, fresh);
    }
  }

  /** Stops every reset (the model closed). */
  close(): void {
    for (const reset of this.#resets.values()) reset.server.destroy();
    this.#resets.clear();
    this.#byRequest.clear();
  }
}
