/**
 * Which documents a client holds, and how: reference counts of subscribes
 * and fetches per document, the requests waiting for the server's answer, and
 * the unload delay. A document is live (the server sends its updates) while
 * something subscribes to it; it leaves the model once nothing holds it for
 * the unload delay and none of its writes is still pending.
 */
import { holdingsOf, type DocRef, type Holdings, type HoldMode } from '../model/documents/sync-port.ts';
import { docName } from '../protocol/doc-name.ts';

/** What the holds need from the sync client. */
export interface HoldTransport {
  /** Sends a subscribe (or fetch) request for a document; returns its request id. */
  request(name: string, mode: HoldMode): number;
  /** Tells the server to stop sending a document's updates. */
  unsubscribe(name: string): void;
  /** Makes sure the model holds an entry for the document. */
  ensureEntry(ref: DocRef): void;
  /** Removes the document from the model. */
  unloadEntry(ref: DocRef): void;
  /** True while the document has writes the server has not acknowledged. */
  hasPending(name: string): boolean;
  /** A document is held for the first time: load its offline copy, if any (then call `cached`). */
  loadCached?(ref: DocRef): void;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface Held {
  readonly ref: DocRef;
  readonly name: string;
  subscribes: number;
  fetches: number;
  /** True while the server should be sending this document's updates. */
  live: boolean;
  /** True once the server has sent the document at least once. */
  loaded: boolean;
  /** True once an offline copy is in the model: holds resolve without waiting for the server. */
  cached: boolean;
  /** Callers waiting for the server's answer. */
  waiting: Waiter[];
  unloadTimer: ReturnType<typeof setTimeout> | null;
}

/** The documents one client holds. */
export class DocumentHolds {
  readonly #held = new Map<string, Held>();
  readonly #requests = new Map<number, Held>();
  readonly #transport: HoldTransport;
  readonly #unloadDelayMs: number;
  #closed = false;

  constructor(transport: HoldTransport, unloadDelayMs: number) {
    this.#transport = transport;
    this.#unloadDelayMs = unloadDelayMs;
  }

  /** Holds a document; resolves once the server has sent it (at once when it is live and loaded). */
  hold(ref: DocRef, mode: HoldMode): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('yracer: the model is closed'));
    const held = this.#take(ref, mode);
    if (held.live && held.loaded) return Promise.resolve();
    // With an offline copy in the model the caller goes on at once; the request still waits for the server.
    const promise = held.cached
      ? (held.waiting.push({ resolve: () => undefined, reject: () => undefined }), Promise.resolve())
      : new Promise<void>((resolve, reject) => held.waiting.push({ resolve, reject }));
    if (mode === 'subscribe' && !held.live) {
      held.live = true;
      this.#send(held, 'subscribe');
    } else if (mode === 'fetch' && !held.live && held.waiting.length === 1) {
      this.#send(held, 'fetch');
    }
    return promise;
  }

  /**
   * Holds a document the server has just sent without a request (a query's
   * result): it counts as held in `mode`, is loaded, and when subscribed is
   * live (the server subscribed the connection to it).
   */
  adopt(ref: DocRef, mode: HoldMode): void {
    if (this.#closed) return;
    const held = this.#take(ref, mode);
    if (mode === 'subscribe') held.live = true;
    held.loaded = true;
    for (const waiter of held.waiting.splice(0)) waiter.resolve();
  }

  /**
   * Holds a document in fetch mode without asking the server (the documents
   * of a query's stored result, until the server's result replaces them):
   * its offline copy is loaded; release it with `release(ref, 'fetch')`.
   * Returns true when nothing held it before (so its offline copy is being
   * loaded now), false when something already did.
   */
  keep(ref: DocRef): boolean {
    if (this.#closed) return false;
    const before = this.#held.has(docName(ref.collection, ref.id));
    this.#take(ref, 'fetch');
    return !before;
  }

  /** The document's offline copy is in the model: whoever waits for it goes on. */
  cached(ref: DocRef): void {
    const held = this.#held.get(docName(ref.collection, ref.id));
    if (!held || held.cached) return;
    held.cached = true;
    // Resolved, but kept: the request still waits for the server (and is sent again after a reconnect).
    for (const waiter of held.waiting) waiter.resolve();
  }

  /** Counts one more hold of a document (creating its record, cancelling its unload) and makes sure the model has it. */
  #take(ref: DocRef, mode: HoldMode): Held {
    const name = docName(ref.collection, ref.id);
    let held = this.#held.get(name);
    let fresh = false;
    if (!held) {
      held = { ref, name, subscribes: 0, fetches: 0, live: false, loaded: false, cached: false, waiting: [], unloadTimer: null };
      this.#held.set(name, held);
      fresh = true;
    }
    if (held.unloadTimer !== null) clearTimeout(held.unloadTimer);
    held.unloadTimer = null;
    if (mode === 'subscribe') held.subscribes += 1;
    else held.fetches += 1;
    this.#transport.ensureEntry(ref);
    if (fresh) this.#transport.loadCached?.(ref);
    return held;
  }

  #send(held: Held, mode: HoldMode): void {
    this.#requests.set(this.#transport.request(held.name, mode), held);
  }

  /** The server answered a request: the document is in the model. Returns it (null for an unknown request). */
  delivered(requestId: number): DocRef | null {
    const held = this.#requests.get(requestId);
    this.#requests.delete(requestId);
    if (!held) return null;
    held.loaded = true;
    for (const waiter of held.waiting.splice(0)) waiter.resolve();
    return held.ref;
  }

  /** True while the server sends the document's updates (something subscribes to it). */
  isLive(ref: DocRef): boolean {
    return this.#held.get(docName(ref.collection, ref.id))?.live ?? false;
  }

  /** The documents held, by mode (subscribed ones are not listed again as fetched). */
  holdings(): Holdings {
    return holdingsOf(this.#held.values());
  }

  /** The server refused a request. */
  refused(requestId: number, error: Error): void {
    const held = this.#requests.get(requestId);
    this.#requests.delete(requestId);
    if (!held) return;
    held.live = false;
    for (const waiter of held.waiting.splice(0)) waiter.reject(error);
  }

  /**
   * The server stopped sending a document the session may no longer read:
   * it is no longer live, and is not asked for again on reconnect (a later
   * subscribe asks again). False when the document is not held.
   */
  revoked(name: string): boolean {
    const held = this.#held.get(name);
    if (!held) return false;
    held.live = false;
    return true;
  }

  /** Asks again for a live document (after a reconnect, or when the server reset it). */
  resubscribe(name: string): void {
    const held = this.#held.get(name);
    if (held?.live) this.#send(held, 'subscribe');
  }

  /** After a (re)connect: asks again for every live document and every unanswered fetch. */
  resendAll(): void {
    this.#requests.clear();
    for (const held of this.#held.values()) {
      if (held.live) this.#send(held, 'subscribe');
      else if (held.waiting.length > 0) this.#send(held, 'fetch');
    }
  }

  /** Releases one hold; the document leaves after the unload delay once nothing holds it. */
  release(ref: DocRef, mode: HoldMode): void {
    if (this.#closed) return;
    const held = this.#held.get(docName(ref.collection, ref.id));
    if (!held) return;
    if (mode === 'subscribe') held.subscribes = Math.max(0, held.subscribes - 1);
    else held.fetches = Math.max(0, held.fetches - 1);
    if (held.subscribes === 0 && held.fetches > 0 && held.live) {
      // Still fetched, no longer subscribed: keep the data, stop the live updates.
      held.live = false;
      this.#transport.unsubscribe(held.name);
    }
    this.#scheduleUnload(held);
  }

  /** Releases everything held. */
  releaseAll(): void {
    if (this.#closed) return;
    for (const held of this.#held.values()) {
      held.subscribes = 0;
      held.fetches = 0;
      this.#scheduleUnload(held);
    }
  }

  #scheduleUnload(held: Held): void {
    if (held.subscribes > 0 || held.fetches > 0 || held.unloadTimer !== null || this.#closed) return;
    held.unloadTimer = setTimeout(() => {
      held.unloadTimer = null;
      if (held.subscribes > 0 || held.fetches > 0 || this.#closed) return;
      if (held.live) {
        // Live until now, so a subscribe within the delay was instant.
        held.live = false;
        this.#transport.unsubscribe(held.name);
      }
      if (this.#transport.hasPending(held.name)) {
        // Keep the data until the server has it; try again after the delay.
        this.#scheduleUnload(held);
        return;
      }
      this.#held.delete(held.name);
      for (const waiter of held.waiting.splice(0)) {
        waiter.reject(new Error(`yracer: ${held.ref.collection}.${held.ref.id} was released before the server sent it`));
      }
      this.#transport.unloadEntry(held.ref);
    }, this.#unloadDelayMs);
    (held.unloadTimer as { unref?: () => void }).unref?.();
  }

  /** Rejects everything waiting (the connection stopped for good). */
  rejectAll(error: Error): void {
    for (const held of this.#held.values()) for (const waiter of held.waiting.splice(0)) waiter.reject(error);
    this.#requests.clear();
  }

  /** Stops: rejects what waits, cancels unload timers. */
  close(error: Error): void {
    this.#closed = true;
    for (const held of this.#held.values()) if (held.unloadTimer !== null) clearTimeout(held.unloadTimer);
    this.rejectAll(error);
  }
}
