import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ProtocolError } from '../../src/protocol/message-schema.ts';
import {
  awarenessPayload,
  PayloadType,
  readPayload,
  step1Payload,
  step2Payload,
  updatePayload,
} from '../../src/protocol/sync-payload.ts';

const bytesOf = (...values: number[]): Uint8Array => new Uint8Array(values);

function sampleDoc(): Y.Doc {
  const doc = new Y.Doc();
  doc.getMap('data').set('title', 'hello');
  return doc;
}

/** What y-protocols itself writes, to check the byte format is y-websocket's. */
function written(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

describe('sync payloads', () => {
  it('round-trips step 1, step 2, update and awareness through readPayload', () => {
    const doc = sampleDoc();
    const stateVector = Y.encodeStateVector(doc);
    const update = Y.encodeStateAsUpdate(doc);
    expect(readPayload(step1Payload(stateVector))).toEqual({ type: 'step1', stateVector });
    expect(readPayload(step2Payload(update))).toEqual({ type: 'step2', update });
    expect(readPayload(updatePayload(update))).toEqual({ type: 'update', update });
    expect(readPayload(awarenessPayload(bytesOf(0)))).toEqual({ type: 'awareness', update: bytesOf(0) });
    expect(readPayload(bytesOf(PayloadType.QueryAwareness))).toEqual({ type: 'query-awareness' });
    expect(readPayload(updatePayload(new Uint8Array(0)))).toEqual({ type: 'update', update: new Uint8Array(0) });
  });

  it('writes the same bytes as y-protocols (y-websocket message format)', () => {
    const doc = sampleDoc();
    const update = Y.encodeStateAsUpdate(doc);
    const stock1 = written((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep1(e, doc);
    });
    expect(step1Payload(Y.encodeStateVector(doc))).toEqual(stock1);
    const stock2 = written((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep2(e, doc);
    });
    expect(step2Payload(update)).toEqual(stock2);
    const stockUpdate = written((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeUpdate(e, update);
    });
    expect(updatePayload(update)).toEqual(stockUpdate);

    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: 'ann' });
    const awarenessUpdate = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]);
    const stockAwareness = written((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, awarenessUpdate);
    });
    expect(awarenessPayload(awarenessUpdate)).toEqual(stockAwareness);
    awareness.destroy();
  });

  it('throws ProtocolError for malformed payloads', () => {
    const update = Y.encodeStateAsUpdate(sampleDoc());
    const malformed: Array<[string, Uint8Array]> = [
      ['an empty payload', new Uint8Array(0)],
      ['a sync type without inner type', bytesOf(0)],
      ['a sync message without data', bytesOf(0, 2)],
      ['an unknown sync type', bytesOf(0, 3, 0)],
      ['an auth message', bytesOf(PayloadType.Auth, 0)],
      ['an unknown outer type', bytesOf(9)],
      ['an awareness message without data', bytesOf(1)],
      ['a length over the data', bytesOf(0, 2, 50, 1, 2)],
      ['trailing bytes after an update', Uint8Array.from([...updatePayload(update), 0])],
      ['trailing bytes after a query', bytesOf(3, 0)],
      ['an unreadable outer type', bytesOf(0xff)],
    ];
    for (const [what, payload] of malformed) {
      expect(() => readPayload(payload), what).toThrow(ProtocolError);
    }
  });

  it('throws ProtocolError for every truncation of a valid payload', () => {
    const payload = updatePayload(Y.encodeStateAsUpdate(sampleDoc()));
    for (let cut = 0; cut < payload.length; cut++) {
      expect(() => readPayload(payload.subarray(0, cut)), `cut at ${cut}`).toThrow(ProtocolError);
    }
  });
});
