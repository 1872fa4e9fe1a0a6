/**
 * How a fan-out message travels on a shared transport: the sender's process
 * id in front of the payload, so a process can skip its own messages. A frame
 * is one format byte (FRAME_FORMAT), one byte with the length of the process
 * id, the process id (ASCII) and the payload bytes, unchanged (any bytes).
 */

/** The format byte of a frame; a frame with another one is ignored (another version of yracer). */
export const FRAME_FORMAT = 1;

/** A frame read back: who sent it and the payload (a copy, not a view of the received buffer). */
export interface Frame {
  readonly process: string;
  readonly payload: Uint8Array;
}

/** The header of every frame this process sends (format, process id); compute it once. */
export function frameHeader(process: string): Uint8Array {
  const id = new TextEncoder().encode(process);
  if (id.length > 255 || id.length !== process.length) throw new RangeError('fan-out: a process id is at most 255 ASCII characters');
  const header = new Uint8Array(2 + id.length);
  header[0] = FRAME_FORMAT;
  header[1] = id.length;
  header.set(id, 2);
  return header;
}

/** A frame: the header followed by the payload. */
export function encodeFrame(header: Uint8Array, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(header.length + payload.length);
  frame.set(header, 0);
  frame.set(payload, header.length);
  return frame;
}

/** Reads a frame; undefined when the bytes are not a frame of this format. */
export function decodeFrame(bytes: Uint8Array): Frame | undefined {
  if (bytes.length < 2 || bytes[0] !== FRAME_FORMAT) return undefined;
  const end = 2 + (bytes[1] ?? 0);
  if (bytes.length < end) return undefined;
  let process = '';
  for (let i = 2; i < end; i++) process += String.fromCharCode(bytes[i] ?? 0);
  // new Uint8Array(view) copies (a Buffer's slice() would not), and yields a plain Uint8Array.
  return { process, payload: new Uint8Array(bytes.subarray(end)) };
}

/** Whether the frame (still encoded) was sent by the process whose header this is: cheaper than decoding. */
export function sentBy(bytes: Uint8Array, header: Uint8Array): boolean {
  if (bytes.length < header.length) return false;
  for (let i = 0; i < header.length; i++) if (bytes[i] !== header[i]) return false;
  return true;
}
