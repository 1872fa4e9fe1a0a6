/**
 * The fan-out message a server process publishes on a collection's channel
 * after it stored a document's JSON value, so that other processes' live
 * queries of the collection run again where the change may matter. Each
 * process numbers its messages per collection (`counter`), so a receiver
 * that sees a number skipped knows it missed one (then it runs every query
 * of the collection again); a message without a document (`id` empty) is
 * a heartbeat that only carries the number, for a lost last message.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** A collection change (or heartbeat) from one process. */
export interface CollectionChange {
  /** The publishing process (`Fanout.process`). */
  readonly process: string;
  /** The process's message number for this collection (1, 2, 3, ...). */
  readonly counter: number;
  /** The changed document's id ('' for a heartbeat). */
  readonly id: string;
  /** Its JSON value as stored (null when it does not exist), or undefined when too large to carry. */
  readonly json: string | null | undefined;
}

/** Largest JSON value carried, in characters; a larger one makes every query of the collection run again. */
export const MAX_CARRIED_JSON = 64 * 1024;

const ABSENT = 0;
const NULL = 1;
const VALUE = 2;

/** Encodes a collection change. */
export function encodeCollectionChange(change: CollectionChange): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, change.process);
  encoding.writeVarUint(encoder, change.counter);
  encoding.writeVarString(encoder, change.id);
  if (change.json === null) encoding.writeVarUint(encoder, NULL);
  else if (change.json === undefined || change.json.length > MAX_CARRIED_JSON) encoding.writeVarUint(encoder, ABSENT);
  else {
    encoding.writeVarUint(encoder, VALUE);
    encoding.writeVarString(encoder, change.json);
  }
  return encoding.toUint8Array(encoder);
}

/** Decodes a collection change; null when the bytes are not one. */
export function decodeCollectionChange(bytes: Uint8Array): CollectionChange | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    const process = decoding.readVarString(decoder);
    const counter = decoding.readVarUint(decoder);
    const id = decoding.readVarString(decoder);
    const kind = decoding.readVarUint(decoder);
    const json = kind === VALUE ? decoding.readVarString(decoder) : kind === NULL ? null : undefined;
    if (kind > VALUE || decoding.hasContent(decoder)) return null;
    return { process, counter, id, json };
  } catch {
    return null;
  }
}
