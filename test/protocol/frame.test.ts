import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { ackMessage } from '../../src/protocol/ack-message.ts';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { errorMessage } from '../../src/protocol/error-message.ts';
import { historyMessage } from '../../src/protocol/history-message.ts';
import { historyResultMessage } from '../../src/protocol/history-result-message.ts';
import { limitsMessage } from '../../src/protocol/limits-message.ts';
import { decodeFrame, UnknownMessageError } from '../../src/protocol/frame.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { ProtocolError } from '../../src/protocol/message-schema.ts';
import { pingMessage } from '../../src/protocol/ping-message.ts';
import { pongMessage } from '../../src/protocol/pong-message.ts';
import { fromWireOps, queryDiffMessage, toWireOps } from '../../src/protocol/query-diff-message.ts';
import { diffIds } from '../../src/query/id-diff.ts';
import { queryMessage } from '../../src/protocol/query-message.ts';
import { queryResultMessage } from '../../src/protocol/query-result-message.ts';
import { subscribeManyMessage } from '../../src/protocol/subscribe-many-message.ts';
import { subscribeMessage } from '../../src/protocol/subscribe-message.ts';
import { unqueryMessage } from '../../src/protocol/unquery-message.ts';
import { subscribedMessage } from '../../src/protocol/subscribed-message.ts';
import { unsubscribeMessage } from '../../src/protocol/unsubscribe-message.ts';

const bytesOf = (...values: number[]): Uint8Array => new Uint8Array(values);

/** Every message definition with a sample (edge values: unicode, max lengths, large numbers, empty bytes). */
const samples = [
  { definition: docMessage, kind: MessageKind.Doc, fields: { doc: 'todos/a1', seq: 2 ** 40 + 3, payload: bytesOf(0, 2, 3, 1, 2, 3) } },
  { definition: docMessage, kind: MessageKind.Doc, fields: { doc: 'x'.repeat(300), seq: 0, payload: new Uint8Array(0) } },
  {
    definition: subscribeMessage,
    kind: MessageKind.Subscribe,
    fields: { request: 7, doc: 'todos/ä😀', mode: 1, stateVector: bytesOf(1, 200, 1, 5) },
  },
  { definition: subscribedMessage, kind: MessageKind.Subscribed, fields: { request: Number.MAX_SAFE_INTEGER, doc: 'a/b' } },
  { definition: unsubscribeMessage, kind: MessageKind.Unsubscribe, fields: { doc: '' } },
  { definition: ackMessage, kind: MessageKind.Ack, fields: { seq: 128 } },
  {
    definition: errorMessage,
    kind: MessageKind.Error,
    fields: { seq: 1, request: 2, doc: 'todos/a', code: 'c'.repeat(64), message: 'm'.repeat(2048) },
  },
  { definition: pingMessage, kind: MessageKind.Ping, fields: {} },
  { definition: pongMessage, kind: MessageKind.Pong, fields: {} },
  {
    definition: queryMessage,
    kind: MessageKind.Query,
    fields: { request: 9, collection: 'todos', mode: 0, expression: '{"done":false,"title":"ä😀"}' },
  },
  {
    definition: queryResultMessage,
    kind: MessageKind.QueryResult,
    fields: { request: 9, count: 2, ids: ['a', 'b'], docs: [{ doc: 'todos/a', update: bytesOf(1, 2) }] },
  },
  { definition: queryResultMessage, kind: MessageKind.QueryResult, fields: { request: 1, count: 0, ids: [], docs: [] } },
  {
    definition: queryDiffMessage,
    kind: MessageKind.QueryDiff,
    fields: {
      request: 9,
      count: 3,
      ops: [
        { type: 0, index: 1, to: 0, ids: ['c'] },
        { type: 2, index: 0, to: 2, ids: ['a'] },
      ],
      docs: [{ doc: 'todos/c', update: new Uint8Array(0) }],
    },
  },
  { definition: unqueryMessage, kind: MessageKind.Unquery, fields: { request: 9 } },
  {
    definition: limitsMessage,
    kind: MessageKind.Limits,
    fields: { limits: [{ name: 'maxFrameBytes', value: 16 * 1024 * 1024 }, { name: 'x'.repeat(64), value: 0 }] },
  },
  {
    definition: subscribeManyMessage,
    kind: MessageKind.SubscribeMany,
    fields: { mode: 0, docs: [{ request: 1, doc: 'todos/a', stateVector: bytesOf(0) }, { request: 2, doc: 'todos/ä', stateVector: bytesOf(1, 5, 3) }] },
  },
  { definition: historyMessage, kind: MessageKind.History, fields: { request: 3, doc: 'todos/a1', checkpoint: 0 } },
  { definition: historyMessage, kind: MessageKind.History, fields: { request: 4, doc: 'x'.repeat(400), checkpoint: 2 ** 40 } },
  { definition: historyResultMessage, kind: MessageKind.HistoryResult, fields: { request: 3, json: '{"value":{"title":"ä😀"}}' } },
] as const;

// The encoders are typed per definition; the table erases that.
const encode = (sample: (typeof samples)[number]): Uint8Array => (sample.definition.encode as (m: object) => Uint8Array)(sample.fields);

/** Frames that are not valid messages, built field by field. */
function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

describe('message definitions', () => {
  it('round-trips every message through encode and decodeFrame', () => {
    const kinds = new Set<number>();
    for (const sample of samples) {
      const bytes = encode(sample);
      expect(bytes[0]).toBe(sample.kind);
      expect(sample.definition.kind).toBe(sample.kind);
      expect(decodeFrame(bytes)).toEqual({ kind: sample.kind, ...sample.fields });
      kinds.add(sample.kind);
    }
    expect([...kinds].sort()).toEqual(Object.values(MessageKind).sort());
  });

  it('gives each definition a distinct name and its fields in the documented order', () => {
    expect(Object.keys(docMessage.fields)).toEqual(['doc', 'seq', 'payload']);
    expect(Object.keys(subscribeMessage.fields)).toEqual(['request', 'doc', 'mode', 'stateVector']);
    expect(Object.keys(subscribedMessage.fields)).toEqual(['request', 'doc']);
    expect(Object.keys(unsubscribeMessage.fields)).toEqual(['doc']);
    expect(Object.keys(ackMessage.fields)).toEqual(['seq']);
    expect(Object.keys(errorMessage.fields)).toEqual(['seq', 'request', 'doc', 'code', 'message']);
    expect(Object.keys(pingMessage.fields)).toEqual([]);
    expect(Object.keys(queryMessage.fields)).toEqual(['request', 'collection', 'mode', 'expression']);
    expect(Object.keys(queryResultMessage.fields)).toEqual(['request', 'count', 'ids', 'docs']);
    expect(Object.keys(queryDiffMessage.fields)).toEqual(['request', 'count', 'ops', 'docs']);
    expect(Object.keys(unqueryMessage.fields)).toEqual(['request']);
    const names = samples.map((s) => s.definition.name);
    expect(new Set(names).size).toBe(new Set(samples.map((s) => s.definition)).size);
  });

  it('encodes fields in wire order (kind, then each field)', () => {
    const expected = frame((e) => {
      encoding.writeVarUint(e, MessageKind.Doc);
      encoding.writeVarString(e, 'todos/a');
      encoding.writeVarUint(e, 300);
      encoding.writeVarUint8Array(e, bytesOf(9, 8));
    });
    expect(docMessage.encode({ doc: 'todos/a', seq: 300, payload: bytesOf(9, 8) })).toEqual(expected);
    expect(decodeFrame(expected)).toEqual({ kind: MessageKind.Doc, doc: 'todos/a', seq: 300, payload: bytesOf(9, 8) });
  });
});

describe('decodeFrame', () => {
  it('throws ProtocolError for every truncation of every message', () => {
    for (const sample of samples) {
      const bytes = encode(sample);
      for (let cut = 0; cut < bytes.length; cut++) {
        // A view on the full frame's buffer: decoding must not read past the view.
        const truncated = bytes.subarray(0, cut);
        expect(() => decodeFrame(truncated), `${sample.definition.name} cut at ${cut}`).toThrow(ProtocolError);
      }
    }
  });

  it('throws ProtocolError for trailing bytes after a message', () => {
    for (const sample of samples) {
      const bytes = encode(sample);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      let thrown: unknown;
      try {
        decodeFrame(longer);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, sample.definition.name).toBeInstanceOf(ProtocolError);
      expect(thrown).not.toBeInstanceOf(UnknownMessageError);
      expect((thrown as Error).message).toMatch(/unexpected bytes/);
    }
  });

  it('throws UnknownMessageError (a ProtocolError) with the kind for unknown kinds', () => {
    for (const kind of [16, 21, 127, 128, 300, 2 ** 31]) {
      const bytes = frame((e) => {
        encoding.writeVarUint(e, kind);
        encoding.writeVarString(e, 'whatever follows');
      });
      let thrown: unknown;
      try {
        decodeFrame(bytes);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `kind ${kind}`).toBeInstanceOf(UnknownMessageError);
      expect(thrown).toBeInstanceOf(ProtocolError);
      expect((thrown as UnknownMessageError).messageKind).toBe(kind);
    }
  });

  it('throws a plain ProtocolError (not unknown-kind) for an empty frame or an unreadable kind', () => {
    for (const bytes of [new Uint8Array(0), bytesOf(0x80), bytesOf(0xff, 0xff)]) {
      expect(() => decodeFrame(bytes)).toThrow(ProtocolError);
      expect(() => decodeFrame(bytes)).not.toThrow(UnknownMessageError);
    }
  });

  it('throws ProtocolError for strings over their maximum length, when decoding and when encoding', () => {
    const stringFrame = (kind: number, write: (e: encoding.Encoder) => void): Uint8Array =>
      frame((e) => {
        encoding.writeVarUint(e, kind);
        write(e);
      });
    const over = [
      stringFrame(MessageKind.Doc, (e) => {
        encoding.writeVarString(e, 'x'.repeat(401));
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint8Array(e, bytesOf(1));
      }),
      stringFrame(MessageKind.Unsubscribe, (e) => encoding.writeVarString(e, 'd'.repeat(1000))),
      stringFrame(MessageKind.Error, (e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 0);
        encoding.writeVarString(e, '');
        encoding.writeVarString(e, 'c'.repeat(65));
        encoding.writeVarString(e, '');
      }),
    ];
    for (const bytes of over) expect(() => decodeFrame(bytes)).toThrow(ProtocolError);
    expect(() => subscribeMessage.encode({ request: 1, doc: 'd'.repeat(401), mode: 0, stateVector: bytesOf(0) })).toThrow(ProtocolError);
    expect(() => errorMessage.encode({ seq: 0, request: 0, doc: '', code: 'x', message: 'm'.repeat(2049) })).toThrow(ProtocolError);
    expect(() => decodeFrame(unsubscribeMessage.encode({ doc: 'd'.repeat(400) }))).not.toThrow();
  });

  it('throws ProtocolError for a uint beyond the safe integer range', () => {
    const bytes = frame((e) => {
      encoding.writeVarUint(e, MessageKind.Ack);
      for (let i = 0; i < 9; i++) encoding.writeUint8(e, 0xff);
      encoding.writeUint8(e, 0x01);
    });
    expect(() => decodeFrame(bytes)).toThrow(ProtocolError);
  });

  it('throws ProtocolError when a length prefix claims more bytes than the frame has', () => {
    const bytes = frame((e) => {
      encoding.writeVarUint(e, MessageKind.Doc);
      encoding.writeVarString(e, 'todos/a');
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 1000);
      encoding.writeUint8(e, 0);
    });
    // The frame is a view inside a larger buffer whose bytes must stay out of reach.
    const big = new Uint8Array(4096);
    big.set(bytes);
    expect(() => decodeFrame(big.subarray(0, bytes.length))).toThrow(ProtocolError);
  });
});

describe('query-diff operations', () => {
  it('round-trips id operations through their wire form, and refuses an unknown type', () => {
    const ops = diffIds(['a', 'b', 'c', 'd'], ['d', 'a', 'x', 'c']);
    expect(fromWireOps(toWireOps(ops))).toEqual(ops);
    expect(() => fromWireOps([{ type: 7, index: 0, to: 0, ids: ['a'] }])).toThrow(RangeError);
  });
});
