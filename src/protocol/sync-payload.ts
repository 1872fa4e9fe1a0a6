/**
 * The y-protocols messages carried in `doc` frames, in the same byte format
 * as y-websocket messages (so the server reads both the same way): sync step 1
 * (a state vector), sync step 2 and update (a Yjs update), awareness (an
 * awareness update), and awareness query.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as sync from 'y-protocols/sync';
import { ProtocolError } from './message-schema.ts';

/** y-websocket's outer message types. */
export const PayloadType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;

/** A decoded y-protocols message. */
export type SyncPayload =
  | { readonly type: 'step1'; readonly stateVector: Uint8Array }
  | { readonly type: 'step2'; readonly update: Uint8Array }
  | { readonly type: 'update'; readonly update: Uint8Array }
  | { readonly type: 'awareness'; readonly update: Uint8Array }
  | { readonly type: 'query-awareness' };

function build(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** A sync message of the given inner type carrying `data`. */
const syncPayload = (inner: number, data: Uint8Array): Uint8Array =>
  build((e) => {
    encoding.writeVarUint(e, PayloadType.Sync);
    encoding.writeVarUint(e, inner);
    encoding.writeVarUint8Array(e, data);
  });

/** Sync step 1: "here is my state vector, send me what I lack". */
export const step1Payload = (stateVector: Uint8Array): Uint8Array => syncPayload(sync.messageYjsSyncStep1, stateVector);

/** Sync step 2: the answer to step 1, an update. */
export const step2Payload = (update: Uint8Array): Uint8Array => syncPayload(sync.messageYjsSyncStep2, update);

/** An incremental update. */
export const updatePayload = (update: Uint8Array): Uint8Array => syncPayload(sync.messageYjsUpdate, update);

/** An awareness update. */
export const awarenessPayload = (update: Uint8Array): Uint8Array =>
  build((e) => {
    encoding.writeVarUint(e, PayloadType.Awareness);
    encoding.writeVarUint8Array(e, update);
  });

/** Reads a y-protocols message; throws `ProtocolError` when it is malformed or of a type it does not handle. */
export function readPayload(payload: Uint8Array): SyncPayload {
  const decoder = decoding.createDecoder(payload);
  try {
    const outer = decoding.readVarUint(decoder);
    let result: SyncPayload;
    if (outer === PayloadType.Sync) {
      const inner = decoding.readVarUint(decoder);
      const data = decoding.readVarUint8Array(decoder);
      if (inner === sync.messageYjsSyncStep1) result = { type: 'step1', stateVector: data };
      else if (inner === sync.messageYjsSyncStep2) result = { type: 'step2', update: data };
      else if (inner === sync.messageYjsUpdate) result = { type: 'update', update: data };
      else throw new ProtocolError(`unknown sync message type ${inner}`);
    } else if (outer === PayloadType.Awareness) {
      result = { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
    } else if (outer === PayloadType.QueryAwareness) {
      result = { type: 'query-awareness' };
    } else {
      throw new ProtocolError(`unknown y-protocols message type ${outer}`);
    }
    if (decoding.hasContent(decoder)) throw new ProtocolError('unexpected bytes after the y-protocols message');
    return result;
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError('truncated y-protocols message');
  }
}

/** True for a Yjs update that carries nothing (no structs, no deletions): not worth sending. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength <= 2 && update.every((byte) => byte === 0);
}
