/**
 * Local changes not yet stored by the server. Each Yjs update a local write
 * makes gets a sequence number; the server acknowledges it once storage has
 * it. Callbacks of writes, `whenNothingPending()` and `hasPending()` are all
 * answered from here. After a reconnect, the unacknowledged updates of a
 * document are merged and sent again under one new number that inherits their
 * callbacks (Yjs updates are idempotent, so a resend never duplicates data),
 * or under several when together they are larger than a frame may be.
 */
import * as Y from 'yjs';
import { runsWithin } from './runs-within.ts';
import type { WriteCallback } from '../model/mutations/write-scope.ts';

interface Pending {
  readonly doc: string;
  readonly update: Uint8Array;
  readonly callbacks: WriteCallback[];
  /** The update was made on (or read from) the document the client holds. */
  readonly fromDoc: boolean;
  /** Where the update lies, when its maker knew (`transactionSpan`); null: read from the update when needed. */
  readonly span: PendingSpan | null;
}

/** Hears every pending update come and go (the offline store keeps them across reloads). */
export interface PendingObserver {
  /** A pending update was recorded. */
  added(doc: string, seq: number, update: Uint8Array): void;
  /** Pending updates left: acknowledged, refused, or merged into a newer one. */
  removed(doc: string, seqs: readonly number[]): void;
}

/** Where a document's pending updates lie per Yjs client: from the lowest start to the highest end. */
export interface PendingSpan {
  readonly from: ReadonlyMap<number, number>;
  readonly to: ReadonlyMap<number, number>;
}

/**
 * The span of pending updates, or null when one is not a Yjs update (then
 * they are merged, and the server says what is wrong). Only updates whose
 * span is not known yet are decoded (a local write's is: `transactionSpan`).
 */
function spanOf(entries: readonly Pending[]): PendingSpan | null {
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  try {
    for (const { update, span } of entries) {
      const meta = span ?? Y.parseUpdateMeta(update);
      for (const [client, clock] of meta.from) from.set(client, Math.min(from.get(client) ?? clock, clock));
      for (const [client, clock] of meta.to) to.set(client, Math.max(to.get(client) ?? clock, clock));
    }
  } catch {
    return null;
  }
  return { from, to };
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  error: Error | null;
}

/** The pending writes of one client. */
export class PendingWrites {
  readonly #pending = new Map<number, Pending>();
  /** Per document, its pending sequence numbers in ascending order. */
  readonly #byDoc = new Map<string, number[]>();
  /** Documents with a refused update since they last had nothing pending (it is still in the document). */
  readonly #refused = new Set<string>();
  #seq = 0;
  #waiters: Waiter[] = [];
  #refusal: Error | null = null;
  readonly #onChange: () => void;
  /** Set by the offline store (see `PendingObserver`); nothing is reported when the model closes. */
  observer: PendingObserver | null = null;

  /** `onChange` is called whenever a document starts or stops having pending updates. */
  constructor(onChange: () => void = () => undefined) {
    this.#onChange = onChange;
  }

  #track(doc: string, seq: number, pending: Pending): void {
    this.#pending.set(seq, pending);
    const list = this.#byDoc.get(doc);
    if (list) {
      list.push(seq);
    } else {
      this.#byDoc.set(doc, [seq]);
      this.#onChange();
    }
  }

  #untrack(doc: string): void {
    this.#byDoc.delete(doc);
    this.#refused.delete(doc);
    this.#onChange();
  }

  /**
   * Records a local update of a document; returns its sequence number.
   * `fromDoc`: the update was made on (or read from) the document the client
   * holds, so a resend can encode it from the document (see `rebase`).
   * `span`: where the update lies, when known (`transactionSpan`; it must be
   * what `Y.parseUpdateMeta(update)` gives), so a resend need not decode it.
   */
  add(doc: string, update: Uint8Array, fromDoc = true, span: PendingSpan | null = null): number {
    const seq = ++this.#seq;
    this.#track(doc, seq, { doc, update, callbacks: [], fromDoc, span });
    this.observer?.added(doc, seq, update);
    return seq;
  }

  /** The sequence number of the newest pending update of a document (0 when none). */
  latest(doc: string): number {
    const list = this.#byDoc.get(doc);
    return list ? (list[list.length - 1] ?? 0) : 0;
  }

  /** Calls `callback` when update `seq` is acknowledged (or refused); at once when it is no longer pending. */
  onSettled(seq: number, callback: WriteCallback): void {
    const pending = this.#pending.get(seq);
    if (pending) pending.callbacks.push(callback);
    else queueMicrotask(() => callback());
  }

  /** The document of pending update `seq`, or undefined when it is not pending. */
  docOf(seq: number): string | undefined {
    return this.#pending.get(seq)?.doc;
  }

  /** The pending sequence numbers of a document, oldest first. */
  seqsOf(doc: string): readonly number[] {
    return [...(this.#byDoc.get(doc) ?? [])];
  }

  /** True when a document has pending updates. */
  hasDoc(doc: string): boolean {
    return this.#byDoc.has(doc);
  }

  /** Number of pending updates. */
  get size(): number {
    return this.#pending.size;
  }

  /** How many documents have pending updates. */
  get docCount(): number {
    return this.#byDoc.size;
  }

  /** The documents with pending updates. */
  docs(): Set<string> {
    return new Set(this.#byDoc.keys());
  }

  /**
   * Merges a document's pending updates for a resend, under new sequence
   * numbers that inherit their callbacks; returns the new updates in order
   * (empty when nothing is pending). `encode` may build the merged update
   * from the document instead, given the span of the pending updates (much
   * faster than merging many small updates); it returns null when it cannot.
   * Updates that only together are larger than `maxBytes` are merged into
   * several parts, in order, each within it; a single larger one stays alone
   * (the caller refuses it).
   */
  rebase(doc: string, encode?: (span: PendingSpan) => Uint8Array | null, maxBytes = Infinity): Array<{ seq: number; update: Uint8Array }> {
    const seqs = this.#byDoc.get(doc);
    if (!seqs) return [];
    const entries = seqs.map((seq) => this.#pending.get(seq) as Pending);
    const fromDoc = entries.every((p) => p.fromDoc);
    // A refused update is still in the document: encoding from there would send it again.
    const span = entries.length > 1 && encode && fromDoc && !this.#refused.has(doc) ? spanOf(entries) : null;
    const encoded = span && encode ? encode(span) : null;
    let groups: Pending[][];
    let updates: Uint8Array[];
    if (encoded && encoded.byteLength <= maxBytes) {
      groups = [entries];
      updates = [encoded];
    } else {
      groups = runsWithin(entries, (p) => p.update.byteLength, maxBytes);
      updates = groups.map((group) => (group.length === 1 ? (group[0] as Pending).update : Y.mergeUpdates(group.map((p) => p.update))));
    }
    for (const seq of seqs) this.#pending.delete(seq);
    this.#byDoc.delete(doc); // tracked again at once: no change to report
    const rebased = groups.map((group, i) => {
      const seq = ++this.#seq;
      const update = updates[i] as Uint8Array;
      // Its span is read from it if a later resend needs it.
      this.#track(doc, seq, { doc, update, callbacks: group.flatMap((p) => p.callbacks), fromDoc: group.every((p) => p.fromDoc), span: null });
      this.observer?.added(doc, seq, update);
      return { seq, update };
    });
    this.observer?.removed(doc, seqs);
    return rebased;
  }

  /** Update `seq` (and every earlier one of the same document) is stored; returns the numbers settled by it. */
  ack(seq: number): readonly number[] {
    const acked = this.#pending.get(seq);
    if (!acked) return [];
    const list = this.#byDoc.get(acked.doc) ?? [];
    let count = 0;
    while (count < list.length && (list[count] as number) <= seq) count++;
    const done = list.splice(0, count);
    for (const seq of done) this.#settle(seq, undefined);
    if (list.length === 0) this.#untrack(acked.doc);
    this.observer?.removed(acked.doc, done);
    this.#checkIdle();
    return done;
  }

  /** Update `seq` was refused. */
  fail(seq: number, error: Error): void {
    const pending = this.#pending.get(seq);
    if (!pending) return;
    const list = this.#byDoc.get(pending.doc) ?? [];
    list.splice(list.indexOf(seq), 1);
    this.#refused.add(pending.doc);
    if (list.length === 0) this.#untrack(pending.doc);
    this.#settle(seq, error);
    this.observer?.removed(pending.doc, [seq]);
    for (const waiter of this.#waiters) waiter.error ??= error;
    this.#checkIdle();
  }

  #settle(seq: number, error: Error | undefined): void {
    const pending = this.#pending.get(seq);
    if (!pending) return;
    this.#pending.delete(seq);
    for (const callback of pending.callbacks) {
      queueMicrotask(() => (error ? callback(error) : callback()));
    }
  }

  /**
   * The connection stopped for good (credentials refused): writes stay pending
   * (`hasPending()` stays true) but their callbacks and every waiter get the
   * error, and so does any later `whenNothingPending()`.
   */
  refuseAll(error: Error): void {
    this.#refusal = error;
    for (const pending of this.#pending.values()) {
      for (const callback of pending.callbacks.splice(0)) queueMicrotask(() => callback(error));
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  /** Resolves once nothing is pending; rejects with the first refusal seen meanwhile. */
  whenNothingPending(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    if (this.#refusal) return Promise.reject(this.#refusal);
    return new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject, error: null }));
  }

  #checkIdle(): void {
    if (this.#pending.size > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (waiter.error) waiter.reject(waiter.error);
      else waiter.resolve();
    }
  }

  /** Fails everything pending (the model was closed). */
  abandon(error: Error): void {
    for (const seq of [...this.#pending.keys()]) this.#settle(seq, error);
    if (this.#byDoc.size > 0) {
      this.#byDoc.clear();
      this.#refused.clear();
      this.#onChange();
    }
    for (const waiter of this.#waiters) waiter.error ??= error;
    this.#checkIdle();
  }
}
