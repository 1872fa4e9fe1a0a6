/**
 * The start of a `doc` frame (its document name and sequence number) read
 * without decoding the payload: enough to answer a frame that is refused
 * for its size.
 */
import * as decoding from 'lib0/decoding';
import { DOC_NAME_MAX } from './doc-name.ts';
import { MessageKind } from './message-kind.ts';

/** The document name and sequence number of a `doc` frame, or null when the frame is not one (or is cut short there). */
export function docFrameHead(frame: Uint8Array): { readonly doc: string; readonly seq: number } | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MessageKind.Doc) return null;
    const doc = decoding.readVarString(decoder);
    if (doc.length > DOC_NAME_MAX) return null;
    return { doc, seq: decoding.readVarUint(decoder) };
  } catch {
    return null;
  }
}
