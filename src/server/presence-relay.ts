/**
 * The fan-out message a server process publishes on a document's channel
 * when the presence of its room changed because of its own clients: the
 * awareness update as applied (refused entries left out), with the
 * process's id. Other processes apply it for a stand-in peer of that
 * process (`Room.applyRemoteAwareness`), which owns those client ids there.
 * A process that starts holding a room asks for the states the others
 * hold (a presence query: its process id only), since presence is not stored.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** The first byte of a presence relay on a document's channel. */
export const PRESENCE_KIND = 1;

/** The first byte of a presence query on a document's channel. */
export const PRESENCE_QUERY_KIND = 2;

/** A presence change from one process. */
export interface PresenceRelay {
  /** The publishing process (`Fanout.process`). */
  readonly process: string;
  /** A y-protocols awareness update. */
  readonly update: Uint8Array;
}

/** Encodes a presence relay. */
export function encodePresenceRelay(relay: PresenceRelay): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, PRESENCE_KIND);
  encoding.writeVarString(encoder, relay.process);
  encoding.writeVarUint8Array(encoder, relay.update);
  return encoding.toUint8Array(encoder);
}

/** Encodes a presence query of a process. */
export function encodePresenceQuery(process: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, PRESENCE_QUERY_KIND);
  encoding.writeVarString(encoder, process);
  return encoding.toUint8Array(encoder);
}

/** Decodes a presence relay; null when the bytes are not one. */
export function decodePresenceRelay(bytes: Uint8Array): PresenceRelay | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== PRESENCE_KIND) return null;
    const process = decoding.readVarString(decoder);
    const update = decoding.readVarUint8Array(decoder);
    if (process.length === 0 || decoding.hasContent(decoder)) return null;
    return { process, update };
  } catch {
    return null;
  }
}
