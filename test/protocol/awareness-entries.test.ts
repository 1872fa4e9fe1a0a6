import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { readAwarenessEntries, writeAwarenessEntries } from '../../src/protocol/awareness-entries.ts';
import { ProtocolError } from '../../src/protocol/message-schema.ts';

/** An update as y-protocols writes it, for one client with a state. */
function stockUpdate(clientId: number, state: Record<string, unknown> | null): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  return update;
}

describe('awareness entries', () => {
  it('reads what y-protocols writes, and writes what y-protocols reads', () => {
    const entries = readAwarenessEntries(stockUpdate(7, { name: 'ada', at: [1, 2] }));
    expect(entries).toEqual([{ clientId: 7, clock: 1, state: { name: 'ada', at: [1, 2] }, json: '{"name":"ada","at":[1,2]}' }]);
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(awareness, writeAwarenessEntries(entries), null);
    expect(awareness.getStates().get(7)).toEqual({ name: 'ada', at: [1, 2] });
    awareness.destroy();
  });

  it('reads a removal as a null state', () => {
    expect(readAwarenessEntries(stockUpdate(7, null))).toEqual([{ clientId: 7, clock: 1, state: null, json: 'null' }]);
  });

  it('throws a ProtocolError naming the problem when the bytes are cut off, run on, or hold a state that is not JSON', () => {
    const whole = stockUpdate(7, { name: 'ada' });
    expect(() => readAwarenessEntries(new Uint8Array())).toThrow(ProtocolError);
    expect(() => readAwarenessEntries(whole.slice(0, -2))).toThrow(/cut off or malformed at entry 1 of 1/);
    expect(() => readAwarenessEntries(Uint8Array.from([...whole, 0]))).toThrow(/bytes after its 1 entries/);
    expect(() => readAwarenessEntries(Uint8Array.from([1, 9, 1, 3, 0x7b, 0x7b, 0x7d]))).toThrow(/client 9 is not JSON/);
  });
});
