/**
 * `doc` frames built in one pass, for the hot paths (a client sending a
 * write, a server relaying one): the same bytes as
 * `docMessage.encode({ doc, seq, payload })` (and, for an update, with
 * `payload` = `updatePayload(update)`), written straight into one buffer of
 * the exact size instead of through two growing encoders and their copies.
 * The UTF-8 bytes of the last document name are kept, since one document
 * usually sends many frames in a row.
 */
import * as sync from 'y-protocols/sync';
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';
import { ProtocolError } from './message-schema.ts';
import { PayloadType } from './sync-payload.ts';

const utf8 = new TextEncoder();
let lastName: string | null = null;
let lastNameBytes = new Uint8Array(0);

/** The UTF-8 bytes of a document name (checked against `DOC_NAME_MAX` as the `doc` message's field is). */
function nameBytes(doc: string): Uint8Array {
  if (doc !== lastName) {
    if (doc.length > DOC_NAME_MAX) throw new ProtocolError(`a string field is longer than ${DOC_NAME_MAX} characters`);
    lastNameBytes = utf8.encode(doc);
    lastName = doc;
  }
  return lastNameBytes;
}

/** Bytes of `value` as a lib0 variable-length unsigned integer. */
function varUintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest > 0x7f; rest = Math.floor(rest / 128)) size++;
  return size;
}

/** Writes `value` as lib0's `writeVarUint` does; returns the position after it. */
function putVarUint(buffer: Uint8Array, at: number, value: number): number {
  let pos = at;
  let rest = value;
  while (rest > 0x7f) {
    buffer[pos++] = 0x80 | (0x7f & rest);
    rest = Math.floor(rest / 128);
  }
  buffer[pos++] = 0x7f & rest;
  return pos;
}

/** Writes `bytes` with its length first (lib0's `writeVarUint8Array`); returns the position after it. */
function putBytes(buffer: Uint8Array, at: number, bytes: Uint8Array): number {
  const pos = putVarUint(buffer, at, bytes.byteLength);
  buffer.set(bytes, pos);
  return pos + bytes.byteLength;
}

/** A `doc` frame carrying `payload` (a y-protocols message); the bytes of `docMessage.encode({ doc, seq, payload })`. */
export function docFrame(doc: string, seq: number, payload: Uint8Array): Uint8Array {
  const name = nameBytes(doc);
  const size = varUintSize(MessageKind.Doc) + varUintSize(name.byteLength) + name.byteLength + varUintSize(seq) + varUintSize(payload.byteLength) + payload.byteLength;
  const frame = new Uint8Array(size);
  let pos = putVarUint(frame, 0, MessageKind.Doc);
  pos = putBytes(frame, pos, name);
  pos = putVarUint(frame, pos, seq);
  putBytes(frame, pos, payload);
  return frame;
}

/** A `doc` frame carrying a Yjs update; the bytes of `docMessage.encode({ doc, seq, payload: updatePayload(update) })`. */
export function docUpdateFrame(doc: string, seq: number, update: Uint8Array): Uint8Array {
  const name = nameBytes(doc);
  const payloadSize = varUintSize(PayloadType.Sync) + varUintSize(sync.messageYjsUpdate) + varUintSize(update.byteLength) + update.byteLength;
  const size = varUintSize(MessageKind.Doc) + varUintSize(name.byteLength) + name.byteLength + varUintSize(seq) + varUintSize(payloadSize) + payloadSize;
  const frame = new Uint8Array(size);
  let pos = putVarUint(frame, 0, MessageKind.Doc);
  pos = putBytes(frame, pos, name);
  pos = putVarUint(frame, pos, seq);
  pos = putVarUint(frame, pos, payloadSize);
  pos = putVarUint(frame, pos, PayloadType.Sync);
  pos = putVarUint(frame, pos, sync.messageYjsUpdate);
  putBytes(frame, pos, update);
  return frame;
}
