import { describe, expect, it } from 'vitest';
import { docFrame, docUpdateFrame } from '../../src/protocol/doc-frame.ts';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { DOC_NAME_MAX } from '../../src/protocol/doc-name.ts';
import { decodeFrame } from '../../src/protocol/frame.ts';
import { ProtocolError } from '../../src/protocol/message-schema.ts';
import { readPayload, updatePayload } from '../../src/protocol/sync-payload.ts';

const NAMES = ['todos/t1', 'todos/ünïcödé-☃', 'notes/😀-emoji', 'a/b', `c/${'x'.repeat(DOC_NAME_MAX - 2)}`];
const SEQS = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 40, Number.MAX_SAFE_INTEGER];
const SIZES = [0, 1, 120, 123, 124, 127, 128, 300, 16_384, 70_000];

/** True when two byte arrays are equal (toEqual on thousands of large arrays is slow). */
const same = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);

/** Bytes 0..n-1 (mod 256), so that every payload differs from the others. */
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('docFrame', () => {
  it('writes the same bytes as docMessage.encode for every name, sequence number and payload size', () => {
    const differing: string[] = [];
    for (const doc of NAMES) {
      for (const seq of SEQS) {
        for (const size of SIZES) {
          const payload = bytes(size, seq % 251);
          if (!same(docFrame(doc, seq, payload), docMessage.encode({ doc, seq, payload }))) differing.push(`${doc} ${seq} ${size}`);
        }
      }
    }
    expect(differing).toEqual([]);
  });

  it('writes the same bytes when the document changes from one frame to the next', () => {
    const payload = bytes(10, 3);
    for (let i = 0; i < 20; i++) {
      const doc = NAMES[i % NAMES.length] as string;
      expect(docFrame(doc, i, payload)).toEqual(docMessage.encode({ doc, seq: i, payload }));
    }
  });

  it('refuses a document name longer than the doc message allows, as docMessage.encode does', () => {
    const doc = `c/${'x'.repeat(DOC_NAME_MAX)}`;
    expect(() => docMessage.encode({ doc, seq: 1, payload: bytes(1, 0) })).toThrow(ProtocolError);
    expect(() => docFrame(doc, 1, bytes(1, 0))).toThrow(ProtocolError);
    expect(() => docUpdateFrame(doc, 1, bytes(1, 0))).toThrow(ProtocolError);
  });
});

describe('docUpdateFrame', () => {
  it('writes the same bytes as a doc message carrying updatePayload(update)', () => {
    const differing: string[] = [];
    for (const doc of NAMES) {
      for (const seq of SEQS) {
        for (const size of SIZES) {
          const update = bytes(size, size % 7);
          if (!same(docUpdateFrame(doc, seq, update), docMessage.encode({ doc, seq, payload: updatePayload(update) }))) differing.push(`${doc} ${seq} ${size}`);
        }
      }
    }
    expect(differing).toEqual([]);
  });

  it('decodes back to the document, the sequence number and the update', () => {
    const update = bytes(200, 9);
    const message = decodeFrame(docUpdateFrame('todos/ünï', 4242, update));
    expect(message).toMatchObject({ doc: 'todos/ünï', seq: 4242 });
    expect(readPayload((message as { payload: Uint8Array }).payload)).toEqual({ type: 'update', update });
  });
});
