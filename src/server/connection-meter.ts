/**
 * `ConnectionMeter`: counts one connection's traffic into the server's
 * metrics by peeking at the frames it receives and sends (their kind, and
 * for documents the y-protocols message type), without changing how they
 * are handled. On the multiplexed protocol it also times each tracked
 * update (`seq > 0`) from its arrival until the `ack` that covers it, and
 * counts the ones answered with an `error` instead, by code (a stock
 * client's refused writes are reported with `writeRefused`).
 */
import * as decoding from 'lib0/decoding';
import { MessageKind } from '../protocol/message-kind.ts';
import { PayloadType } from '../protocol/sync-payload.ts';
import { secondsSince, type ConnectionKind, type ServerMetrics } from './server-metrics.ts';

/** y-protocols sync message types that carry document changes: step 2 and update. */
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/** True when a y-protocols message (at the decoder's position) is sync step 2 or an update. */
function readsUpdate(decoder: decoding.Decoder): boolean {
  if (decoding.readVarUint(decoder) !== PayloadType.Sync) return false;
  const inner = decoding.readVarUint(decoder);
  return inner === SYNC_STEP2 || inner === SYNC_UPDATE;
}

/** A tracked update waiting for its ack. */
interface Pending {
  readonly seq: number;
  readonly at: number;
}

/** Counts one connection's traffic (see the file's comment). */
export class ConnectionMeter {
  readonly kind: ConnectionKind;
  readonly #metrics: ServerMetrics;
  /** Tracked updates not acknowledged yet, per document, in arrival order. */
  readonly #pending = new Map<string, Pending[]>();
  /** The document of each pending `seq`. */
  readonly #docOf = new Map<number, string>();

  constructor(metrics: ServerMetrics, kind: ConnectionKind) {
    this.#metrics = metrics;
    this.kind = kind;
  }

  /** A frame arrived (before it is queued for handling). */
  received(frame: Uint8Array, at: number): void {
    this.#metrics.bytesReceived.inc(frame.byteLength);
    try {
      const decoder = decoding.createDecoder(frame);
      if (this.kind === 'stock') {
        if (readsUpdate(decoder)) this.#metrics.updatesReceived.inc();
        return;
      }
      if (decoding.readVarUint(decoder) !== MessageKind.Doc) return;
      const doc = decoding.readVarString(decoder);
      const seq = decoding.readVarUint(decoder);
      decoding.readVarUint(decoder); // the payload's length
      if (!readsUpdate(decoder)) return;
      this.#metrics.updatesReceived.inc();
      if (seq === 0 || this.#docOf.has(seq)) return;
      this.#docOf.set(seq, doc);
      const list = this.#pending.get(doc);
      if (list) list.push({ seq, at });
      else this.#pending.set(doc, [{ seq, at }]);
    } catch {
      // A malformed frame: the connection answers it; nothing to count.
    }
  }

  /** A frame was handed to the socket. */
  sent(frame: Uint8Array): void {
    this.#metrics.bytesSent.inc(frame.byteLength);
    try {
      const decoder = decoding.createDecoder(frame);
      if (this.kind === 'stock') {
        if (readsUpdate(decoder)) this.#metrics.updatesSent.inc();
        return;
      }
      const kind = decoding.readVarUint(decoder);
      if (kind === MessageKind.Doc) {
        decoding.readVarUint8Array(decoder); // the document name (a view, not decoded)
        decoding.readVarUint(decoder); // seq
        decoding.readVarUint(decoder); // the payload's length
        if (readsUpdate(decoder)) this.#metrics.updatesSent.inc();
      } else if (kind === MessageKind.Ack) {
        this.#acked(decoding.readVarUint(decoder));
      } else if (kind === MessageKind.Error) {
        const seq = decoding.readVarUint(decoder);
        decoding.readVarUint(decoder); // request
        decoding.readVarUint8Array(decoder); // doc
        if (seq > 0 && this.#docOf.has(seq)) this.#refused(seq, decoding.readVarString(decoder));
      }
    } catch {
      // Frames the server encodes decode; nothing to count otherwise.
    }
  }

  /** A write without `seq` (a stock client's) was refused with `code`. */
  writeRefused(code: string): void {
    this.#metrics.writesRefused.inc({ code });
  }

  /** `ack` of `seq`: it and the document's earlier pending updates are stored. */
  #acked(seq: number): void {
    const doc = this.#docOf.get(seq);
    const list = doc === undefined ? undefined : this.#pending.get(doc);
    if (doc === undefined || !list) return;
    let covered = 0;
    while (covered < list.length && list[covered]!.seq <= seq) covered += 1;
    for (const { seq: done, at } of list.splice(0, covered)) {
      this.#docOf.delete(done);
      this.#metrics.ackLatency.observe(secondsSince(at));
    }
    if (list.length === 0) this.#pending.delete(doc);
  }

  /** `error` about the pending update `seq`: refused with `code`. */
  #refused(seq: number, code: string): void {
    this.writeRefused(code);
    const doc = this.#docOf.get(seq)!;
    this.#docOf.delete(seq);
    const list = this.#pending.get(doc) ?? [];
    const index = list.findIndex((entry) => entry.seq === seq);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.#pending.delete(doc);
  }
}
