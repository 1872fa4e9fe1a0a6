/**
 * Tabs of one browser profile keep each other in sync over a
 * BroadcastChannel, also while offline: each tab posts its local updates, the
 * others apply them. Each tab sends only its own writes to the server. A tab
 * remembers the other tabs' updates until their writer says the server has
 * them: its own writes that build on them carry them along (the server refuses
 * updates whose dependencies it lacks), and what it sends in reply to the
 * server's state vector leaves them out (their writer sends them).
 * A tab's local updates are posted in batches (`scheduleBatch`: once a
 * frame), one message per document; `flush()` posts what waits at once.
 */
import * as Y from 'yjs';
import { scheduleBatch } from './schedule-batch.ts';

/** A message between tabs. */
type TabMessage =
  | { readonly kind: 'update'; readonly doc: string; readonly update: Uint8Array; readonly from: string }
  | { readonly kind: 'updates'; readonly doc: string; readonly updates: readonly Uint8Array[]; readonly from: string }
  | { readonly kind: 'stored'; readonly doc: string; readonly from: string };

/** Merge a tab's remembered updates of a document once there are this many. */
const MERGE_AT = 32;

function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  if (typeof message['doc'] !== 'string' || typeof message['from'] !== 'string') return false;
  if (message['kind'] === 'stored') return true;
  if (message['kind'] === 'updates') return Array.isArray(message['updates']) && message['updates'].every((update) => update instanceof Uint8Array);
  return message['kind'] === 'update' && message['update'] instanceof Uint8Array;
}

/** Clock ranges per client: `[start, end)` pairs. */
type Ranges = Map<number, Array<readonly [number, number]>>;

function addRange(ranges: Ranges, client: number, start: number, end: number): void {
  const list = ranges.get(client);
  if (list) list.push([start, end]);
  else ranges.set(client, [[start, end]]);
}

/** The clocks updates carry, per client (from each update's first struct to its last). */
function carried(updates: readonly Uint8Array[]): Ranges {
  const ranges: Ranges = new Map();
  for (const update of updates) {
    const { from, to } = Y.parseUpdateMeta(update);
    for (const [client, start] of from) addRange(ranges, client, start, to.get(client) ?? start);
  }
  return ranges;
}

/** What an update refers to: its items' origins and parents, and the clocks it deletes. */
function referenced(update: Uint8Array): Ranges {
  const { structs, ds } = Y.decodeUpdate(update);
  const ranges: Ranges = new Map();
  for (const [client, deletes] of ds.clients) for (const d of deletes) addRange(ranges, client, d.clock, d.clock + d.len);
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    for (const id of [struct.origin, struct.rightOrigin, struct.parent instanceof Y.ID ? struct.parent : null]) {
      if (id) addRange(ranges, id.client, id.clock, id.clock + 1);
    }
  }
  return ranges;
}

function overlaps(a: Ranges, b: Ranges): boolean {
  for (const [client, list] of a) {
    const other = b.get(client);
    if (!other) continue;
    for (const [start, end] of list) if (other.some(([s, e]) => start < e && s < end)) return true;
  }
  return false;
}

/** One tab's end of the channel. */
export class TabChannel {
  readonly #channel: BroadcastChannel;
  readonly #owner: string;
  /** Per document, per other tab: its updates the server may not have yet. */
  readonly #foreign = new Map<string, Map<string, Uint8Array[]>>();
  /** Per document, the Yjs clients other tabs wrote with, and how far: those tabs send them. */
  readonly #others = new Map<string, Map<number, number>>();
  /** Local updates waiting for the batch, per document, in order. */
  readonly #outgoing = new Map<string, Uint8Array[]>();
  #scheduled = false;
  #closed = false;

  /**
   * `apply` is called with another tab's update of a document; `stored`
   * once no other tab has updates of a document the server lacks.
   */
  constructor(name: string, owner: string, apply: (doc: string, update: Uint8Array) => void, stored: (doc: string) => void) {
    this.#owner = owner;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => {
      const message = event.data;
      if (this.#closed || !isTabMessage(message) || message.from === this.#owner) return;
      if (message.kind === 'stored') {
        const tabs = this.#foreign.get(message.doc);
        tabs?.delete(message.from);
        if (tabs?.size === 0) {
          this.#foreign.delete(message.doc);
          stored(message.doc);
        }
        return;
      }
      for (const update of message.kind === 'update' ? [message.update] : message.updates) {
        let vector: Map<number, number>;
        try {
          // How far the update reaches per client (encodeStateVectorFromUpdate skips clients not starting at 0).
          vector = Y.parseUpdateMeta(update).to;
        } catch {
          return; // not a Yjs update
        }
        this.#remember(message.doc, message.from, update, vector);
        apply(message.doc, update);
      }
    };
  }

  #remember(doc: string, from: string, update: Uint8Array, vector: Map<number, number>): void {
    let others = this.#others.get(doc);
    if (!others) this.#others.set(doc, (others = new Map()));
    for (const [client, clock] of vector) others.set(client, Math.max(others.get(client) ?? 0, clock));
    let tabs = this.#foreign.get(doc);
    if (!tabs) this.#foreign.set(doc, (tabs = new Map()));
    const list = tabs.get(from);
    if (!list) tabs.set(from, [update]);
    else if (list.length + 1 >= MERGE_AT) tabs.set(from, [Y.mergeUpdates([...list, update])]);
    else list.push(update);
  }

  /** Posts a local update of a document to the other tabs (with the batch). */
  post(doc: string, update: Uint8Array): void {
    if (this.#closed) return;
    const waiting = this.#outgoing.get(doc);
    if (waiting) waiting.push(update);
    else this.#outgoing.set(doc, [update]);
    if (this.#scheduled) return;
    this.#scheduled = true;
    scheduleBatch(() => {
      this.#scheduled = false;
      this.flush();
    });
  }

  /** Posts the local updates waiting for the batch now, one message per document (not merged: merging costs more than it saves). */
  flush(): void {
    if (this.#closed || this.#outgoing.size === 0) return;
    const outgoing = [...this.#outgoing];
    this.#outgoing.clear();
    for (const [doc, updates] of outgoing) {
      const from = this.#owner;
      this.#channel.postMessage(
        updates.length === 1 ? ({ kind: 'update', doc, update: updates[0] as Uint8Array, from } satisfies TabMessage) : ({ kind: 'updates', doc, updates, from } satisfies TabMessage),
      );
    }
  }

  /** Tells the other tabs the server has every local update of a document (after the updates waiting to be posted). */
  stored(doc: string): void {
    if (this.#closed) return;
    this.flush();
    this.#channel.postMessage({ kind: 'stored', doc, from: this.#owner } satisfies TabMessage);
  }

  /** True while another tab has updates of a document the server may lack. */
  hasWrites(doc: string): boolean {
    return this.#foreign.has(doc);
  }

  #updates(doc: string): Uint8Array[] {
    const tabs = this.#foreign.get(doc);
    return tabs ? [...tabs.values()].flat() : [];
  }

  /** A local update to send, with the other tabs' updates it builds on (so the server can apply it). */
  withDependencies(doc: string, update: Uint8Array): Uint8Array {
    const foreign = this.#updates(doc);
    if (foreign.length === 0) return update;
    return overlaps(referenced(update), carried(foreign)) ? Y.mergeUpdates([...foreign, update]) : update;
  }

  /** A server state vector extended with what other tabs wrote (they send it; a reply leaves it out). */
  withoutOthers(doc: string, stateVector: Uint8Array): Uint8Array {
    const others = this.#others.get(doc);
    if (!others) return stateVector;
    const vector = Y.decodeStateVector(stateVector);
    for (const [client, clock] of others) vector.set(client, Math.max(vector.get(client) ?? 0, clock));
    return Y.encodeStateVector(vector);
  }

  /** Posts what waits, then stops listening and posting. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#channel.close();
  }
}
