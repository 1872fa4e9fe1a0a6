/**
 * The entries of a y-protocols awareness update, read and written in full:
 * a varUint count, then per entry a varUint client id, a varUint clock and
 * a varString of the state's JSON (`null` for a removal). The server reads
 * an update completely before applying any of it, so that bad bytes change
 * nothing, and writes back only the entries it accepts.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ProtocolError } from './message-schema.ts';

/** One entry of an awareness update. */
export interface AwarenessEntry {
  /** The awareness client id the entry is about. */
  readonly clientId: number;
  /** Its clock: an entry applies only over an older one (y-protocols' rule). */
  readonly clock: number;
  /** The state (null: the client left). */
  readonly state: unknown;
  /** The state as JSON, written again from the parsed value (what is stored and relayed). */
  readonly json: string;
}

/**
 * Reads every entry of an awareness update. Throws `ProtocolError` naming
 * the problem when the bytes are cut off, hold something after the last
 * entry, or a state is not JSON.
 *
 * @example
 * for (const { clientId, state } of readAwarenessEntries(update)) console.log(clientId, state);
 */
export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const entries: AwarenessEntry[] = [];
  let count: number;
  try {
    count = decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError('the awareness update is empty or cut off');
  }
  for (let i = 0; i < count; i++) {
    let clientId: number;
    let clock: number;
    let text: string;
    try {
      clientId = decoding.readVarUint(decoder);
      clock = decoding.readVarUint(decoder);
      text = decoding.readVarString(decoder);
    } catch {
      throw new ProtocolError(`the awareness update is cut off or malformed at entry ${i + 1} of ${count}`);
    }
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch {
      throw new ProtocolError(`the awareness state of client ${clientId} is not JSON`);
    }
    entries.push({ clientId, clock, state, json: state === null ? 'null' : JSON.stringify(state) });
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError(`the awareness update has bytes after its ${count} entries`);
  return entries;
}

/** Writes entries as one awareness update (the inverse of `readAwarenessEntries`). */
export function writeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}
