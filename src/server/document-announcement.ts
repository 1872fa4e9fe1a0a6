/**
 * The fan-out message a server process publishes on a document's channel
 * after it stored an update there: the versions `first..last` and the
 * update itself (empty when it was too large to carry: the receiver then
 * reads storage). A hint only: a receiver that misses one finds the gap
 * and reads storage by version. It shares the channel with presence
 * (`presence-relay.ts`); the first byte tells them apart.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Announced } from './room-versions.ts';

/** The first byte of an announcement on a document's channel. */
export const ANNOUNCEMENT_KIND = 0;

/** Largest update carried in an announcement, in bytes; a larger one is announced without it. */
export const MAX_ANNOUNCED_BYTES = 256 * 1024;

/** Encodes an announcement (the update left out when larger than `MAX_ANNOUNCED_BYTES`). */
export function encodeAnnouncement(announced: Announced): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, ANNOUNCEMENT_KIND);
  encoding.writeVarUint(encoder, announced.first);
  encoding.writeVarUint(encoder, announced.last);
  encoding.writeVarUint8Array(encoder, announced.update.byteLength <= MAX_ANNOUNCED_BYTES ? announced.update : new Uint8Array(0));
  return encoding.toUint8Array(encoder);
}

/** Decodes an announcement; null when the bytes are not one (nothing from another process is trusted blindly). */
export function decodeAnnouncement(bytes: Uint8Array): Announced | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== ANNOUNCEMENT_KIND) return null;
    const first = decoding.readVarUint(decoder);
    const last = decoding.readVarUint(decoder);
    const update = decoding.readVarUint8Array(decoder);
    if (first < 1 || last < first || decoding.hasContent(decoder)) return null;
    return { first, last, update };
  } catch {
    return null;
  }
}
