/**
 * The fan-out message a server process publishes (on the `watching`
 * channel, once when it starts and then every poll) for each collection it
 * holds live queries of. A process that stores a change of such a
 * collection saves the document's JSON within a query batch instead of
 * after the JSON delay, since those queries run again only once it is
 * stored.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** A process's live queries of a collection. */
export interface CollectionWatch {
  /** The publishing process (`Fanout.process`). */
  readonly process: string;
  readonly collection: string;
}

/** Encodes a collection watch. */
export function encodeCollectionWatch(watch: CollectionWatch): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, watch.process);
  encoding.writeVarString(encoder, watch.collection);
  return encoding.toUint8Array(encoder);
}

/** Decodes a collection watch; null when the bytes are not one. */
export function decodeCollectionWatch(bytes: Uint8Array): CollectionWatch | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    const process = decoding.readVarString(decoder);
    const collection = decoding.readVarString(decoder);
    if (collection.length === 0 || decoding.hasContent(decoder)) return null;
    return { process, collection };
  } catch {
    return null;
  }
}
